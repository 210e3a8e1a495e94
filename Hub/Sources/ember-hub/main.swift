import ArgumentParser
import EmberHub

@main
struct EmberHubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ember-hub", abstract: "Ember's pretrained-weights cache.",
        version: EmberHubVersion.string)
}
