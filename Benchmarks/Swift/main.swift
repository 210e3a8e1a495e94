import Ember
print("Ember benchmarks \(EmberVersion.string)")
