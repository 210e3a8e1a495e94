// C shim between EmberVision and libpng / libjpeg-turbo. Both libraries report errors by calling a
// handler that must not return; the shim turns those into status codes with setjmp/longjmp so that
// no decoder error can end the process. Only <stdint.h>/<stddef.h> types cross this header.
#ifndef EMBER_IMAGE_H
#define EMBER_IMAGE_H

#include <stddef.h>
#include <stdint.h>

enum {
    EMBER_IMAGE_OK = 0,
    EMBER_IMAGE_CORRUPT = 1,
    EMBER_IMAGE_TRUNCATED = 2,
    EMBER_IMAGE_TOO_LARGE = 3,
    EMBER_IMAGE_UNSUPPORTED = 4,
    EMBER_IMAGE_OUT_OF_MEMORY = 5,
};

// torchvision's ImageReadMode values.
enum {
    EMBER_MODE_UNCHANGED = 0,
    EMBER_MODE_GRAY = 1,
    EMBER_MODE_GRAY_ALPHA = 2,
    EMBER_MODE_RGB = 3,
    EMBER_MODE_RGB_ALPHA = 4,
};

/// Called once per decode, when the output size is known, for the buffer that receives interleaved
/// HWC samples (16-bit samples native-endian). It must return height*width*channels*bytes_per_sample
/// writable bytes, or NULL to abort the decode. The caller owns the buffer whatever happens after.
typedef void *(*ember_allocate_fn)(void *context, int32_t height, int32_t width, int32_t channels,
                                   int32_t bytes_per_sample);

typedef struct ember_decoded {
    /// The buffer `allocate` returned (NULL when it was never called).
    uint8_t *pixels;
    int32_t height, width, channels;
    int32_t bytes_per_sample;
    /// EXIF orientation (1...8) when requested and present, else -1.
    int32_t exif_orientation;
    int32_t status;
    char message[200];
} ember_decoded;

typedef struct ember_encoded {
    uint8_t *bytes;  // malloc'd
    size_t size;
    int32_t status;
    char message[200];
} ember_encoded;

/// Decodes a PNG held in memory. `max_pixels` bounds width*height (0: no bound).
void ember_png_decode(const uint8_t *data, size_t size, int32_t mode, uint64_t max_pixels,
                      ember_allocate_fn allocate, void *context, ember_decoded *out);

/// Decodes a JPEG held in memory; reads the EXIF orientation when `read_exif` is non-zero.
void ember_jpeg_decode(const uint8_t *data, size_t size, int32_t mode, uint64_t max_pixels, int32_t read_exif,
                       ember_allocate_fn allocate, void *context, ember_decoded *out);

/// Encodes 8-bit HWC samples (1 or 3 channels) as PNG at zlib level 0...9.
void ember_png_encode(const uint8_t *hwc, int32_t height, int32_t width, int32_t channels, int32_t level,
                      ember_encoded *out);

/// Encodes 8-bit HWC samples (1 or 3 channels) as baseline JPEG at quality 1...100.
void ember_jpeg_encode(const uint8_t *hwc, int32_t height, int32_t width, int32_t channels, int32_t quality,
                       ember_encoded *out);

/// Frees pixels or bytes returned above.
void ember_image_free(void *pointer);

/// libpng's and libjpeg's version numbers, for diagnostics.
const char *ember_libpng_version(void);
int32_t ember_libjpeg_version(void);

#endif
