import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { OrgUnitKind } from '../roles.js';

/** 組織: the city, a bureau (局) or ward (区), or a division (課), as a tree. */
@Entity({ name: 'org_unit' })
export class OrgUnit {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Short lower-case code, used in demo user names (`kenko.editor`). */
  @Column({ type: 'text', unique: true })
  code!: string;

  @Column({ name: 'name_ja', type: 'text' })
  nameJa!: string;

  @Column({ name: 'name_en', type: 'text' })
  nameEn!: string;

  @Column({ type: 'text' })
  kind!: OrgUnitKind;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
