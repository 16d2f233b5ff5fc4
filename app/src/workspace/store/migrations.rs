//! The schema, as an ordered list of migration steps. Step `n` takes a file
//! from `user_version` n-1 to n; steps are never edited once released, only
//! appended.

/// One migration step.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The `user_version` after this step.
    pub version: i64,
    /// What the step changes, for humans.
    pub description: &'static str,
    /// The SQL, run inside the step's transaction.
    pub sql: &'static str,
}

/// `PRAGMA application_id` of a workspace file ("MLSI").
pub(super) const APPLICATION_ID: i64 = 0x4D4C_5349;

/// The schema version this program writes.
pub const LATEST: i64 = 6;

/// Every step, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "identities, key packages, groups, epochs, pending commits, messages, trust roots, PSKs",
        sql: V1,
    },
    Migration {
        version: 2,
        description: "workspace settings",
        sql: V2,
    },
    Migration {
        version: 3,
        description: "per-group settings (the policy)",
        sql: V3,
    },
    Migration {
        version: 4,
        description: "re-initialised groups and the links of resumed groups (re-init, branch)",
        sql: V4,
    },
    Migration {
        version: 5,
        description: "competing commits of an epoch (the orchestrator's candidates)",
        sql: V5,
    },
    Migration {
        version: 6,
        description: "workspace protection (the passphrase's Argon2id parameters and wrapped key)",
        sql: V6,
    },
];

const V1: &str = r#"
CREATE TABLE identities (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL UNIQUE,
    cipher_suite      INTEGER NOT NULL,
    signature_private BLOB    NOT NULL,
    signature_public  BLOB    NOT NULL,
    credential        BLOB    NOT NULL,          -- TLS-encoded Credential
    created           INTEGER NOT NULL
);

CREATE TABLE key_packages (
    reference          BLOB    PRIMARY KEY,     -- KeyPackageRef
    identity_id        INTEGER NOT NULL REFERENCES identities(id),
    cipher_suite       INTEGER NOT NULL,
    message            BLOB    NOT NULL,        -- MLSMessage(KeyPackage)
    init_private       BLOB,                    -- NULL once used
    encryption_private BLOB,                    -- NULL once used
    used               INTEGER NOT NULL DEFAULT 0,
    not_after          INTEGER NOT NULL,
    created            INTEGER NOT NULL
);

CREATE TABLE groups (
    id           INTEGER PRIMARY KEY,
    group_id     BLOB    NOT NULL,
    name         TEXT    NOT NULL,
    identity_id  INTEGER NOT NULL REFERENCES identities(id),
    cipher_suite INTEGER NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('active', 'removed')),
    state        BLOB,                          -- Group::to_bytes(); NULL once removed
    epoch        INTEGER NOT NULL,
    own_leaf     INTEGER NOT NULL,
    member_count INTEGER NOT NULL,
    revision     INTEGER NOT NULL,
    created      INTEGER NOT NULL,
    updated      INTEGER NOT NULL,
    CHECK ((status = 'active') = (state IS NOT NULL))
);
CREATE INDEX groups_by_group_id ON groups(group_id);

CREATE TABLE epochs (
    group_ref           INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    epoch               INTEGER NOT NULL,
    time                INTEGER NOT NULL,
    committer           INTEGER,
    summary             BLOB    NOT NULL,       -- storage::Summary encoding
    summary_text        TEXT    NOT NULL,       -- its Display, for humans with sqlite3
    epoch_authenticator BLOB    NOT NULL,
    tree_hash           BLOB    NOT NULL,
    members             BLOB    NOT NULL,       -- storage::MemberEntry list encoding
    ratchet_tree        BLOB    NOT NULL,       -- TLS-encoded ratchet_tree
    PRIMARY KEY (group_ref, epoch)
);

CREATE TABLE pending_commits (
    group_ref          INTEGER PRIMARY KEY REFERENCES groups(id) ON DELETE CASCADE,
    origin             TEXT    NOT NULL CHECK (origin IN ('local', 'incoming')),
    base_epoch         INTEGER NOT NULL,
    message            BLOB    NOT NULL,        -- the commit MLSMessage
    welcome            BLOB,
    group_info         BLOB,
    next_state         BLOB    NOT NULL,        -- Group::to_bytes() of the next epoch
    next_epoch         INTEGER NOT NULL,
    next_own_leaf      INTEGER NOT NULL,
    next_member_count  INTEGER NOT NULL,
    committer          INTEGER,
    summary            BLOB    NOT NULL,
    summary_text       TEXT    NOT NULL,
    epoch_authenticator BLOB   NOT NULL,
    tree_hash          BLOB    NOT NULL,
    members            BLOB    NOT NULL,
    ratchet_tree       BLOB    NOT NULL,
    changed_nodes      BLOB    NOT NULL,
    self_removed       INTEGER NOT NULL,
    created            INTEGER NOT NULL,
    CHECK (next_epoch = base_epoch + 1)
);

CREATE TABLE messages (
    id        INTEGER PRIMARY KEY,
    group_ref INTEGER REFERENCES groups(id) ON DELETE CASCADE,
    direction TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    kind      TEXT    NOT NULL,
    epoch     INTEGER,
    sender    INTEGER,
    bytes     BLOB    NOT NULL,                 -- MLSMessage
    content   BLOB,                             -- decrypted application data
    time      INTEGER NOT NULL
);
CREATE INDEX messages_by_group ON messages(group_ref, id);

CREATE TABLE trust_roots (
    id          INTEGER PRIMARY KEY,
    der         BLOB    NOT NULL UNIQUE,
    subject     TEXT    NOT NULL,
    issuer      TEXT    NOT NULL,
    not_before  INTEGER NOT NULL,
    not_after   INTEGER NOT NULL,
    fingerprint TEXT    NOT NULL,
    added       INTEGER NOT NULL
);

CREATE TABLE psks (
    psk_id BLOB    PRIMARY KEY,
    secret BLOB    NOT NULL,
    added  INTEGER NOT NULL
);
"#;

const V2: &str = r#"
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#;

const V3: &str = r#"
CREATE TABLE group_settings (
    group_ref INTEGER PRIMARY KEY REFERENCES groups(id) ON DELETE CASCADE,
    settings  TEXT    NOT NULL                  -- key=value lines
);
"#;

const V4: &str = r#"
CREATE TABLE group_reinits (
    group_ref    INTEGER PRIMARY KEY REFERENCES groups(id) ON DELETE CASCADE,
    new_group_id BLOB    NOT NULL,              -- the ReInit's group id
    cipher_suite INTEGER NOT NULL,              -- the ReInit's suite
    version      INTEGER NOT NULL               -- the ReInit's protocol version
);

CREATE TABLE group_links (
    group_ref       INTEGER PRIMARY KEY REFERENCES groups(id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL CHECK (kind IN ('reinit', 'branch')),
    parent_group_id BLOB    NOT NULL,           -- the resumption PSK's group id
    parent_epoch    INTEGER NOT NULL            -- and epoch
);
"#;

const V5: &str = r#"
CREATE TABLE commit_candidates (
    group_ref  INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    base_epoch INTEGER NOT NULL,
    arrival    INTEGER NOT NULL,                -- 1, 2, … as this member saw them
    origin     TEXT    NOT NULL CHECK (origin IN ('local', 'incoming')),
    message    BLOB    NOT NULL,                -- the commit MLSMessage
    sender     INTEGER,                         -- committer leaf (NULL: unknown)
    hash       BLOB    NOT NULL,                -- the suite's hash of message
    status     TEXT    NOT NULL CHECK (status IN ('chosen', 'lost', 'invalid')),
    reason     TEXT    NOT NULL,
    created    INTEGER NOT NULL,
    PRIMARY KEY (group_ref, base_epoch, arrival)
);
"#;

const V6: &str = r#"
CREATE TABLE protection (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    kdf         TEXT    NOT NULL CHECK (kdf = 'argon2id-v19'),
    memory_kib  INTEGER NOT NULL,
    iterations  INTEGER NOT NULL,
    parallelism INTEGER NOT NULL,
    salt        BLOB    NOT NULL,
    wrapped_key BLOB    NOT NULL,               -- the workspace key, sealed under the passphrase key
    created     INTEGER NOT NULL
);
"#;
