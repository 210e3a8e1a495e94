import CJPEG
import CLibPNG
/// The versions of the image libraries EmberVision was loaded with.
public enum ImageLibraries {
    /// libpng's version string, e.g. "1.6.39".
    public static var libpngVersion: String { String(cString: png_get_libpng_ver(nil)) }
}
