// ICU is included only here; see the header for why.
#include "CEmberICU.h"
#include <stdlib.h>
#include <string.h>
#include <unicode/utypes.h>
#include <unicode/unorm2.h>
#include <unicode/uregex.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>

static const UNormalizer2 *normalizer_for(int32_t form) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *n = NULL;
    switch (form) {
    case 0: n = unorm2_getNFCInstance(&status); break;
    case 1: n = unorm2_getNFDInstance(&status); break;
    case 2: n = unorm2_getNFKCInstance(&status); break;
    default: n = unorm2_getNFKDInstance(&status); break;
    }
    return U_FAILURE(status) ? NULL : n;
}

// UTF-32 -> UTF-16 into a malloc'd buffer; `map` (optional, count16+1 entries) gives for
// each UTF-16 index the scalar index it belongs to.
static UChar *to_utf16(const uint32_t *input, int32_t count, int32_t *out_len, int32_t **map) {
    UChar *buf = (UChar *)malloc(sizeof(UChar) * (size_t)(count * 2 + 1));
    int32_t *m = map ? (int32_t *)malloc(sizeof(int32_t) * (size_t)(count * 2 + 1)) : NULL;
    if (!buf || (map && !m)) { free(buf); free(m); return NULL; }
    int32_t j = 0;
    for (int32_t i = 0; i < count; i++) {
        uint32_t c = input[i];
        if (c >= 0x10000 && c <= 0x10FFFF) {
            c -= 0x10000;
            if (m) { m[j] = i; m[j + 1] = i; }
            buf[j++] = (UChar)(0xD800 + (c >> 10));
            buf[j++] = (UChar)(0xDC00 + (c & 0x3FF));
        } else {
            if (m) m[j] = i;
            buf[j++] = (UChar)(c > 0xFFFF ? 0xFFFD : c);
        }
    }
    if (m) m[j] = count;
    buf[j] = 0;
    *out_len = j;
    if (map) *map = m;
    return buf;
}

int32_t ember_icu_normalize(int32_t form, const uint32_t *input, int32_t count,
                            uint32_t *output, int32_t capacity) {
    const UNormalizer2 *n = normalizer_for(form);
    if (!n) return INT32_MIN;
    int32_t len16 = 0;
    UChar *src = to_utf16(input, count, &len16, NULL);
    if (!src) return INT32_MIN;
    int32_t cap16 = len16 * 4 + 16;
    UChar *dst = (UChar *)malloc(sizeof(UChar) * (size_t)cap16);
    if (!dst) { free(src); return INT32_MIN; }
    UErrorCode status = U_ZERO_ERROR;
    int32_t out16 = unorm2_normalize(n, src, len16, dst, cap16, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
        free(dst);
        cap16 = out16 + 1;
        dst = (UChar *)malloc(sizeof(UChar) * (size_t)cap16);
        if (!dst) { free(src); return INT32_MIN; }
        status = U_ZERO_ERROR;
        out16 = unorm2_normalize(n, src, len16, dst, cap16, &status);
    }
    free(src);
    if (U_FAILURE(status)) { free(dst); return INT32_MIN; }
    int32_t written = 0;
    for (int32_t i = 0; i < out16; i++) {
        uint32_t c = dst[i];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < out16 && dst[i + 1] >= 0xDC00 && dst[i + 1] <= 0xDFFF) {
            c = 0x10000 + ((c - 0xD800) << 10) + (dst[i + 1] - 0xDC00);
            i++;
        }
        if (written < capacity) output[written] = c;
        written++;
    }
    free(dst);
    return written <= capacity ? written : -written;
}

int32_t ember_icu_has_boundary_before(int32_t form, uint32_t scalar) {
    const UNormalizer2 *n = normalizer_for(form);
    if (!n) return 1;
    return unorm2_hasBoundaryBefore(n, (UChar32)scalar) ? 1 : 0;
}

int32_t ember_icu_is_normalized(int32_t form, const uint32_t *input, int32_t count) {
    const UNormalizer2 *n = normalizer_for(form);
    if (!n) return 0;
    int32_t len16 = 0;
    UChar *src = to_utf16(input, count, &len16, NULL);
    if (!src) return 0;
    UErrorCode status = U_ZERO_ERROR;
    UBool ok = unorm2_isNormalized(n, src, len16, &status);
    free(src);
    return (U_SUCCESS(status) && ok) ? 1 : 0;
}

struct ember_icu_regex {
    URegularExpression *re;
};

ember_icu_regex *ember_icu_regex_compile(const uint32_t *pattern, int32_t count,
                                         int32_t *error_offset) {
    int32_t len16 = 0;
    UChar *src = to_utf16(pattern, count, &len16, NULL);
    if (!src) return NULL;
    UParseError pe;
    UErrorCode status = U_ZERO_ERROR;
    URegularExpression *re = uregex_open(src, len16, 0, &pe, &status);
    free(src);
    if (U_FAILURE(status)) {
        if (error_offset) *error_offset = pe.offset;
        if (re) uregex_close(re);
        return NULL;
    }
    ember_icu_regex *r = (ember_icu_regex *)malloc(sizeof(ember_icu_regex));
    if (!r) { uregex_close(re); return NULL; }
    r->re = re;
    return r;
}

void ember_icu_regex_free(ember_icu_regex *regex) {
    if (!regex) return;
    uregex_close(regex->re);
    free(regex);
}

ember_icu_regex *ember_icu_regex_clone(ember_icu_regex *regex) {
    UErrorCode status = U_ZERO_ERROR;
    URegularExpression *re = uregex_clone(regex->re, &status);
    if (U_FAILURE(status)) return NULL;
    ember_icu_regex *r = (ember_icu_regex *)malloc(sizeof(ember_icu_regex));
    if (!r) { uregex_close(re); return NULL; }
    r->re = re;
    return r;
}

int32_t ember_icu_regex_find_all(ember_icu_regex *regex, const uint32_t *text, int32_t count,
                                 int32_t *ranges, int32_t capacity) {
    int32_t len16 = 0;
    int32_t *map = NULL;
    UChar *src = to_utf16(text, count, &len16, &map);
    if (!src) return INT32_MIN;
    UErrorCode status = U_ZERO_ERROR;
    uregex_setText(regex->re, src, len16, &status);
    int32_t found = 0;
    if (U_SUCCESS(status)) {
        while (uregex_findNext(regex->re, &status) && U_SUCCESS(status)) {
            int32_t s = uregex_start(regex->re, 0, &status);
            int32_t e = uregex_end(regex->re, 0, &status);
            if (U_FAILURE(status)) break;
            if (found < capacity) {
                ranges[2 * found] = map[s];
                ranges[2 * found + 1] = map[e];
            }
            found++;
        }
    }
    // Detach the text before freeing it so the regex never points at freed memory.
    UErrorCode reset = U_ZERO_ERROR;
    static const UChar empty[1] = {0};
    uregex_setText(regex->re, empty, 0, &reset);
    free(src);
    free(map);
    if (U_FAILURE(status)) return INT32_MIN;
    return found <= capacity ? found : -found;
}

int32_t ember_icu_script(uint32_t scalar) {
    UErrorCode status = U_ZERO_ERROR;
    UScriptCode code = uscript_getScript((UChar32)scalar, &status);
    return U_FAILURE(status) ? 0 : (int32_t)code;
}
