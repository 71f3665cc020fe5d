import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../roles.js';

/** One role held on one unit (and the units below it). */
@Entity({ name: 'role_grant' })
export class RoleGrant {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'text' })
  role!: Role;

  @Column({ name: 'org_unit_id', type: 'uuid' })
  orgUnitId!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
