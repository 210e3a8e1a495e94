import ArgumentParser
import EmberHub
import Foundation

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-hash cached blobs against their names and check snapshot links.",
        discussion: "Exits with 5 when a problem is found (after removing it with --delete).")

    @Argument(help: "Repositories to check (ORG/NAME); all when none.")
    var repos: [String] = []

    @OptionGroup var type: RepoTypeOption

    @Flag(help: "Remove bad blobs and the links to them, so the next download fetches them again.")
    var delete = false

    func run() async throws {
        try await reportingErrors {
            let configuration = HubConfiguration.fromEnvironment()
            let repoType = try type.parsed()
            let selected = repos.isEmpty ? nil : try repos.map { try Repository($0, type: repoType) }
            let result = try CacheMaintenance.verify(selected, cacheDirectory: configuration.cacheDirectory, delete: delete)
            for problem in result.problems { print("BAD \(problem)") }
            print("checked \(result.checked) blobs: \(result.problems.count) problems" + (delete && !result.problems.isEmpty ? " (removed)" : ""))
            if !result.problems.isEmpty { throw ExitCode(Exit.integrity) }
        }
    }
}
