import CEmberKernels

/// OpenBLAS, loaded on first use (see `blas_loader.c` for why it is not linked).
enum BLAS {
    nonisolated(unsafe) private(set) static var isLoaded = false

    /// Loads OpenBLAS with Ember's thread count; stops with a clear message when it is missing.
    static func ensureLoaded() {
        if isLoaded { return }
        guard ember_blas_load() == 0 else {
            fatalError("OpenBLAS could not be loaded (\(String(cString: ember_blas_error()))): install libopenblas0 (Debian: apt-get install libopenblas-dev)")
        }
        ember_blas_set_num_threads(Int32(Threading.numThreads))
        isLoaded = true
    }

    /// The kernels OpenBLAS runs, e.g. "SkylakeX".
    static var coreName: String {
        ensureLoaded()
        return String(cString: ember_blas_corename())
    }

    /// The core type the loader picked from CPUID before loading OpenBLAS ("SkylakeX",
    /// "Haswell", ...); empty when the user set OPENBLAS_CORETYPE.
    static var chosenCoreType: String {
        ensureLoaded()
        return String(cString: ember_blas_chosen_coretype())
    }
}
