import Ember

/// Optimizer workloads (issue 4): one `step()` over given gradients, and gradient clipping;
/// `Benchmarks/reference/core_optim_reference.py` has the same names.
func coreOptimWorkloads() -> [Workload] {
    /// Parameters of the given shapes with fixed gradients.
    func parameters(_ shapes: [[Int]]) -> [Tensor] {
        let g = Generator(seed: 0)
        return shapes.map { shape in
            let p = Tensor.randn(shape, generator: g).requiresGrad_()
            p.grad = Tensor.randn(shape, generator: g)
            return p
        }
    }
    let mlp = [[256, 784], [256], [10, 256], [10]]
    let million = [[1000, 1000]]
    return [
        Workload(name: "Adam step, MLP 784-256-10 parameters") {
            let optimizer = Adam(parameters(mlp), lr: 1e-3)
            return { optimizer.step() }
        },
        Workload(name: "Adam step, 1M parameters") {
            let optimizer = Adam(parameters(million), lr: 1e-3)
            return { optimizer.step() }
        },
        Workload(name: "AdamW amsgrad step, 1M parameters") {
            let optimizer = AdamW(parameters(million), lr: 1e-3, amsgrad: true)
            return { optimizer.step() }
        },
        Workload(name: "SGD momentum step, 1M parameters") {
            let optimizer = SGD(parameters(million), lr: 1e-3, momentum: 0.9)
            return { optimizer.step() }
        },
        Workload(name: "RMSprop centered step, 1M parameters") {
            let optimizer = RMSprop(parameters(million), lr: 1e-3, momentum: 0.9, centered: true)
            return { optimizer.step() }
        },
        Workload(name: "clip_grad_norm_, MLP 784-256-10 parameters") {
            let params = parameters(mlp)
            return { _ = try? clipGradNorm_(params, maxNorm: 1e9) }
        },
    ]
}
