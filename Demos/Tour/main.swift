import Ember
print("Ember \(EmberVersion.string)")
