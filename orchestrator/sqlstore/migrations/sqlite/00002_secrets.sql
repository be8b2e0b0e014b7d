-- Sealed secrets (AES-256-GCM ciphertext, never plaintext), such as portal
-- credentials, keyed by name.

-- +goose Up
CREATE TABLE secrets (
    name       TEXT PRIMARY KEY,
    sealed     BLOB  NOT NULL,
    updated_at TEXT  NOT NULL
);

-- +goose Down
DROP TABLE secrets;
