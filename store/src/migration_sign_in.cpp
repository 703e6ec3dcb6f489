#include "migrations.hpp"

namespace muster::store {

// Migration 6: sign-in (SPEC A-1 ... A-5, U-4). Every secret is stored hashed
// (SHA-256 of a random value, or a slow password hash) or encrypted (TOTP
// seeds, AES-256-GCM), never in the clear.
// - credentials: one password per user; the encoded hash carries algorithm,
//   parameters and salt; must_change marks a temporary password.
// - sign_in_sessions: server-side sessions by hashed id, with the restriction
//   of a half-finished sign-in and the authz version their scopes reflect.
// - trusted_devices: browsers that may skip MFA until expires_at.
// - totp_enrolments / recovery_codes: MFA; last_used_step rejects replays.
// - sign_in_throttles: failed sign-ins per account name and per source
//   address (no foreign key: names that are no user are throttled too).
// - single_use_tokens: invitation and reset links, MFA challenges.
// - mail_outbox: mail written with the change that causes it, delivered by
//   the mail worker; body erased once delivered.
// - tenant_sign_in_settings: per-tenant "MFA required".
// Rows of a user go with the user (ON DELETE CASCADE).
Migration signInMigration() {
    return {6,
            "sign-in: credentials, sessions, trusted devices, TOTP, recovery codes, "
            "throttles, single-use tokens, mail outbox",
            {
                R"(CREATE TABLE credentials (
            user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            password_hash TEXT NOT NULL,
            must_change INTEGER NOT NULL DEFAULT 0,
            changed_at BIGINT NOT NULL,
            CONSTRAINT pk_credentials PRIMARY KEY (user_id)))",

                R"(CREATE TABLE sign_in_sessions (
            id {{id_pk}},
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            secret_hash TEXT NOT NULL,
            restriction TEXT NOT NULL DEFAULT '',
            mfa_verified INTEGER NOT NULL DEFAULT 0,
            authz_version BIGINT NOT NULL,
            source_address TEXT NOT NULL DEFAULT '',
            user_agent TEXT NOT NULL DEFAULT '',
            created_at BIGINT NOT NULL,
            last_seen_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL))",
                "CREATE UNIQUE INDEX ux_sign_in_sessions_secret ON sign_in_sessions (secret_hash)",
                "CREATE INDEX ix_sign_in_sessions_user ON sign_in_sessions (tenant_id, user_id)",
                "CREATE INDEX ix_sign_in_sessions_seen ON sign_in_sessions (last_seen_at)",

                R"(CREATE TABLE trusted_devices (
            id {{id_pk}},
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            secret_hash TEXT NOT NULL,
            source_address TEXT NOT NULL DEFAULT '',
            user_agent TEXT NOT NULL DEFAULT '',
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            last_used_at BIGINT NOT NULL))",
                "CREATE UNIQUE INDEX ux_trusted_devices_secret ON trusted_devices (secret_hash)",
                "CREATE INDEX ix_trusted_devices_user ON trusted_devices (tenant_id, user_id)",

                R"(CREATE TABLE totp_enrolments (
            user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            encrypted_seed TEXT NOT NULL,
            confirmed INTEGER NOT NULL DEFAULT 0,
            last_used_step BIGINT NOT NULL DEFAULT 0,
            created_at BIGINT NOT NULL,
            confirmed_at BIGINT,
            CONSTRAINT pk_totp_enrolments PRIMARY KEY (user_id)))",

                R"(CREATE TABLE recovery_codes (
            id {{id_pk}},
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            code_hash TEXT NOT NULL,
            used_at BIGINT))",
                "CREATE INDEX ix_recovery_codes_user ON recovery_codes (tenant_id, user_id)",

                R"(CREATE TABLE sign_in_throttles (
            tenant_id BIGINT NOT NULL,
            kind TEXT NOT NULL,
            throttle_key TEXT NOT NULL,
            failures BIGINT NOT NULL,
            last_failure_at BIGINT NOT NULL,
            locked_until BIGINT NOT NULL,
            CONSTRAINT pk_sign_in_throttles PRIMARY KEY (tenant_id, kind, throttle_key)))",

                R"(CREATE TABLE single_use_tokens (
            id {{id_pk}},
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            purpose TEXT NOT NULL,
            token_hash TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            used_at BIGINT))",
                "CREATE UNIQUE INDEX ux_single_use_tokens_hash ON single_use_tokens (token_hash)",
                R"(CREATE INDEX ix_single_use_tokens_user
            ON single_use_tokens (tenant_id, user_id, purpose))",

                R"(CREATE TABLE mail_outbox (
            id {{id_pk}},
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            recipient TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT NOT NULL DEFAULT '',
            created_at BIGINT NOT NULL,
            next_attempt_at BIGINT NOT NULL,
            sent_at BIGINT))",
                "CREATE INDEX ix_mail_outbox_due ON mail_outbox (status, next_attempt_at)",

                R"(CREATE TABLE tenant_sign_in_settings (
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            mfa_required INTEGER NOT NULL DEFAULT 0,
            CONSTRAINT pk_tenant_sign_in_settings PRIMARY KEY (tenant_id)))",
            }};
}

}  // namespace muster::store
