// FreeType renders the label glyphs; HarfBuzz shapes labels in an explicit font, as Pillow's
// libraqm layout does (see Vision/Sources/EmberVision/Utils/TextLayout.swift). One module holds
// both so that FreeType's types are declared once for Swift.
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_GLYPH_H
#include <harfbuzz/hb.h>
#include <harfbuzz/hb-ft.h>
