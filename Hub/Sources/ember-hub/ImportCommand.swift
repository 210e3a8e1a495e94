import ArgumentParser
import EmberHub
import Foundation

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add a local folder (e.g. an air-gapped copy) to the cache as a snapshot of REPO.",
        discussion: "Afterwards `Hub.download` finds its files offline under REPO at --revision.")

    @Argument(help: "The repository the folder is a copy of (ORG/NAME).")
    var repo: String

    @Option(help: "The folder to import.")
    var from: String

    @Option(help: "The ref that will point at the snapshot.")
    var revision: String = "main"

    @Option(help: "The commit hash the folder was taken from, if known.")
    var commit: String?

    @OptionGroup var type: RepoTypeOption

    func run() async throws {
        try await reportingErrors {
            let configuration = HubConfiguration.fromEnvironment()
            let repository = try Repository(repo, type: try type.parsed())
            let result = try CacheMaintenance.importFolder(
                URL(fileURLWithPath: from, isDirectory: true), as: repository, revision: revision, commit: commit,
                cacheDirectory: configuration.cacheDirectory)
            print("imported as \(repository)@\(revision) (commit \(result.commit))")
            print(result.folder.path)
        }
    }
}
