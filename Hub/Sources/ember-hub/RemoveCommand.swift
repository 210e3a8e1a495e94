import ArgumentParser
import EmberHub
import Foundation

struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Remove a cached repository, or one revision of it and the blobs no other revision uses.")

    @Argument(help: "ORG/NAME or ORG/NAME@REVISION (a branch, tag, commit or commit prefix).")
    var target: String

    @OptionGroup var type: RepoTypeOption

    func run() async throws {
        try await reportingErrors {
            var name = target
            var revision: String?
            if let at = target.lastIndex(of: "@") {
                name = String(target[..<at])
                revision = String(target[target.index(after: at)...])
                guard !revision!.isEmpty else { throw ValidationError("empty revision after '@'") }
            }
            let repository = try Repository(name, type: try type.parsed())
            let configuration = HubConfiguration.fromEnvironment()
            let report = try CacheMaintenance.remove(repository, revision: revision, cacheDirectory: configuration.cacheDirectory)
            if report.removedRepository {
                print("removed \(repository) (\(report.commits.count) revisions), freed \(humanBytes(report.freedBytes))")
            } else {
                print("removed \(repository)@\(report.commits.joined(separator: ",")) and \(report.blobs.count) unused blobs, freed \(humanBytes(report.freedBytes))")
            }
        }
    }
}
