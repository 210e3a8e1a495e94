#ifndef CEMBER_ICU_H
#define CEMBER_ICU_H
// Ember's window onto ICU. Only <stdint.h> types cross this header: ICU's own headers must
// never be visible to a Swift module that also imports Foundation (which carries its own
// copy of ICU), or clean builds fail with conflicting type definitions.
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Normalization forms: 0 NFC, 1 NFD, 2 NFKC, 3 NFKD.
/// Normalizes `count` UTF-32 scalars from `input` into `output` (capacity `capacity`).
/// Returns the number of scalars written, the negated required capacity when `output` is too
/// small, or INT32_MIN on an ICU error.
int32_t ember_icu_normalize(int32_t form, const uint32_t *input, int32_t count,
                            uint32_t *output, int32_t capacity);

/// 1 when `scalar` starts a new normalization segment under `form` (nothing before it
/// can combine with it or be reordered across it).
int32_t ember_icu_has_boundary_before(int32_t form, uint32_t scalar);

/// 1 when the scalars are already in `form` (a fast check that lets callers skip the work).
int32_t ember_icu_is_normalized(int32_t form, const uint32_t *input, int32_t count);

/// An opaque compiled regular expression.
typedef struct ember_icu_regex ember_icu_regex;

/// Compiles a UTF-32 pattern. Returns NULL on a syntax error and writes the error offset
/// (in UTF-16 units of the pattern) to `error_offset`.
ember_icu_regex *ember_icu_regex_compile(const uint32_t *pattern, int32_t count,
                                         int32_t *error_offset);
void ember_icu_regex_free(ember_icu_regex *regex);

/// Finds every non-overlapping match in `text` (UTF-32 scalars). Writes pairs
/// (start, end) in scalar indices into `ranges` (capacity in pairs). Returns the number of
/// matches, the negated number needed when `ranges` is too small, or INT32_MIN on error.
/// Not thread-safe per regex: each thread uses its own clone.
int32_t ember_icu_regex_find_all(ember_icu_regex *regex, const uint32_t *text, int32_t count,
                                 int32_t *ranges, int32_t capacity);

/// A copy of `regex` for another thread.
ember_icu_regex *ember_icu_regex_clone(ember_icu_regex *regex);

/// The Unicode script code (UScriptCode) of a scalar.
int32_t ember_icu_script(uint32_t scalar);

#ifdef __cplusplus
}
#endif
#endif
