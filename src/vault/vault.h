/*
 * The vault: secrets (App Secrets, access tokens, provider keys) encrypted at rest.
 *
 * Envelope encryption. The master key (AICOS_MASTER_KEY, base64 of 32 bytes, or
 * AICOS_MASTER_KEY_FILE) never touches the database; it wraps data keys stored in
 * vault_keys, each with an id. A secret is sealed with XChaCha20-Poly1305 under the active
 * data key, with a fresh random nonce per write and "secret:<name>\0<key id>" as associated
 * data, so a ciphertext cannot be moved to another name or key. A canary sealed under the
 * master key (app_meta.vault_canary) proves at start that the configured master key is the
 * one the database was sealed with.
 *
 * Rotation adds a data key and re-seals every secret, one transaction per secret, guarded
 * by compare-and-set on the key id: interrupted at any point, a rerun finishes the job and
 * no secret is ever unreadable.
 */
#ifndef AICOS_VAULT_VAULT_H
#define AICOS_VAULT_VAULT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/config.h"
#include "base/err.h"
#include "store/db.h"

#define VAULT_NAME_MAX   128
#define VAULT_VALUE_MAX  8192
#define VAULT_MASKED_MAX 24
#define VAULT_KEY_ID_MAX 24

struct vault;

/*
 * Reads the master key from the configuration. ERR_NOTFOUND when none is configured;
 * ERR_CONFIG (naming the variable) when it is malformed or the key file is readable by
 * group or others. key must hold 32 bytes; wipe it after use.
 */
ERR_MUST_USE enum err vault_master_key_load(const struct config *cfg, unsigned char key[32],
                                            struct errbuf *eb);

/*
 * Opens the vault on db with the 32-byte master key (copied into guarded memory). On first
 * use it writes the canary and the first data key; afterwards it refuses a master key that
 * cannot open the canary (ERR_CONFIG, "wrong master key"). *out is owned by the caller:
 * vault_free() it.
 */
ERR_MUST_USE enum err vault_open(struct db *db, const unsigned char key[32], struct vault **out,
                                 struct errbuf *eb);

/* Wipes the keys and frees; NULL is a no-op. */
void vault_free(struct vault *v);

/* Checks a secret name: 1..128 of [a-z0-9_./-]. */
ERR_MUST_USE enum err vault_name_check(const char *name, struct errbuf *eb);

/* Stores (or replaces) a secret. len <= VAULT_VALUE_MAX. */
ERR_MUST_USE enum err vault_put(struct vault *v, const char *name, const char *value, size_t len,
                                const char *actor, struct errbuf *eb);

/*
 * Decrypts a secret into memory the caller must release with vault_secret_free(). ERR_NOTFOUND
 * when absent; ERR_INTERNAL when it fails authentication (tampered, moved or wrong key).
 */
ERR_MUST_USE enum err vault_get(struct vault *v, const char *name, char **value, size_t *len,
                                struct errbuf *eb);

/*
 * Which of the n secrets named in names are stored, into present[0..n-1], with one query and
 * without decrypting anything (n <= VAULT_PRESENT_MAX): "does it exist" needs no plaintext.
 */
#define VAULT_PRESENT_MAX 16
ERR_MUST_USE enum err vault_names_present(struct vault *v, const char *const *names, size_t n,
                                          bool *present, struct errbuf *eb);

/* Wipes and frees a value from vault_get; NULL is a no-op. */
void vault_secret_free(char *value, size_t len);

/* Deletes a secret; ERR_NOTFOUND when absent. */
ERR_MUST_USE enum err vault_delete(struct vault *v, const char *name, struct errbuf *eb);

/* The masked form shown to people: at most the last four characters, e.g. "••••f503". */
void vault_mask(const char *value, size_t len, char out[VAULT_MASKED_MAX]);

/* Names and masked values: JSON array of {name, masked, key_id, updated_at, updated_by}. */
ERR_MUST_USE enum err vault_list(struct vault *v, json_t **out, struct errbuf *eb);

/* Key ids with their state and how many secrets each seals: JSON object. */
ERR_MUST_USE enum err vault_status(struct vault *v, json_t **out, struct errbuf *eb);

/* Decrypts every secret; *failed counts failures and *report lists them (names only). */
ERR_MUST_USE enum err vault_check(struct vault *v, unsigned *ok, unsigned *failed, json_t **report,
                                  struct errbuf *eb);

/*
 * Rotates the data key: finishes an interrupted rotation if there is one, otherwise adds a
 * new active key; then re-seals every secret still under an older key, and retires keys that
 * seal nothing. max_steps > 0 stops after that many re-sealed secrets (ERR_UNAVAILABLE,
 * "interrupted"), which is how tests interrupt it; 0 means run to the end. *resealed gets
 * the count; *new_key (VAULT_KEY_ID_MAX) the active key id.
 */
ERR_MUST_USE enum err vault_rotate(struct vault *v, unsigned max_steps, unsigned *resealed,
                                   char *new_key, struct errbuf *eb);

/*
 * Repairs the key ring under the ring lock: of several active keys the newest stays active and
 * the others become retiring (a rotation then moves their secrets); non-active keys that seal
 * nothing are destroyed. *repairs is a new JSON array describing what was done (empty when
 * nothing needed it).
 */
ERR_MUST_USE enum err vault_repair(struct vault *v, json_t **repairs, struct errbuf *eb);

/*
 * Re-wraps every data key and the canary under new_master in one transaction (a leaked
 * master key is replaced without touching the secrets). After it, only new_master opens the
 * vault; *keys counts the data keys re-wrapped. ERR_INVAL when new_master is the current key.
 */
ERR_MUST_USE enum err vault_rewrap(struct vault *v, const unsigned char new_master[32],
                                   unsigned *keys, struct errbuf *eb);

#endif
