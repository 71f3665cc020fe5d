import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PrincipalLoader } from './access/principal.loader.js';
import { ApiTokensService } from './api-tokens.service.js';
import { AuthService } from './auth/auth.service.js';
import { Authenticator } from './auth/authenticator.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { PasswordHasher } from './auth/password-hasher.js';
import { TokenService } from './auth/token.service.js';
import { OrgUnitsService } from './org-units.service.js';
import { SecurityEventsService } from './security-events.service.js';
import { BrowserSessionsService } from './sessions/browser-sessions.service.js';
import { PersonnelTransferJobs, PersonnelTransfersService } from './transfers/personnel-transfers.service.js';
import { ReorganisationJobs, ReorganisationsService } from './reorganisation/reorganisations.service.js';
import { DirectoryAccountsService } from './directory/directory-accounts.service.js';
import { LdapDirectory } from './directory/ldap-directory.js';
import { OidcDirectory } from './directory/oidc-directory.js';
import { OidcSignInService } from './directory/oidc-sign-in.service.js';
import { UsersService } from './users.service.js';
import { DeputiesService } from './deputies/deputies.service.js';

/** Who may see and do what: organisation units, users, grants, sign-in, tokens, security events. */
@Module({
  // The secret is passed per call from AppConfig, so the module needs no options of its own.
  imports: [JwtModule.register({})],
  providers: [
    PasswordHasher,
    TokenService,
    LoginThrottle,
    PrincipalLoader,
    Authenticator,
    AuthService,
    OrgUnitsService,
    UsersService,
    ApiTokensService,
    SecurityEventsService,
    BrowserSessionsService,
    PersonnelTransfersService,
    ReorganisationsService,
    LdapDirectory,
    OidcDirectory,
    OidcSignInService,
    DirectoryAccountsService,
    DeputiesService,
  ],
  exports: [
    DeputiesService,
    OidcSignInService,
    PersonnelTransfersService,
    ReorganisationsService,
    DirectoryAccountsService,
    PasswordHasher,
    Authenticator,
    AuthService,
    BrowserSessionsService,
    OrgUnitsService,
    UsersService,
    ApiTokensService,
    SecurityEventsService,
    PrincipalLoader,
  ],
})
export class IdentityModule {}

/** The worker's part: recording personnel transfers and reorganisations when their day comes. */
@Module({ imports: [IdentityModule], providers: [PersonnelTransferJobs, ReorganisationJobs] })
export class IdentityJobsModule {}
