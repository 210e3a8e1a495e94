import ArgumentParser
import EmberHub
import Foundation

struct EnvCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env", abstract: "Show versions, cache folders, endpoint and offline mode.")

    func run() async throws {
        let configuration = HubConfiguration.fromEnvironment()
        let rows: [(String, String)] = [
            ("ember-hub version", EmberHubVersion.string),
            ("platform", "\(ProcessInfo.processInfo.operatingSystemVersionString)"),
            ("hub cache (HF_HUB_CACHE)", configuration.cacheDirectory.path),
            ("wheel cache (EMBER_CACHE)", configuration.emberDirectory.path),
            ("torch.hub folder (TORCH_HOME)", configuration.torchHubDirectory.path),
            ("endpoint (HF_ENDPOINT)", configuration.endpoint),
            ("package index (pip)", configuration.packageIndexURL),
            ("offline (HF_HUB_OFFLINE)", configuration.offline ? "yes" : "no"),
            ("token", configuration.token == nil ? "not set" : "set"),
            ("progress bar", configuration.progress == nil ? "off" : "on"),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        for (key, value) in rows { print(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value) }
    }
}
