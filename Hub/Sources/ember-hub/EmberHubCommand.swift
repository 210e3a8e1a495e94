import ArgumentParser
import EmberHub
import Foundation

@main
struct EmberHubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ember-hub",
        abstract: "Ember's pretrained-weights cache (shared with huggingface_hub and torch.hub).",
        discussion: """
            Exit codes: 0 success; 1 other failure; 2 not found (repository, revision, file, \
            package, wheel member); 3 unauthorized, forbidden or gated; 4 network trouble or \
            offline without a cached copy; 5 integrity (checksum or size mismatch, bad blobs \
            found by verify, unreadable archive); 6 disk or lock failure; 64 usage error.
            """,
        version: EmberHubVersion.string,
        subcommands: [
            DownloadCommand.self, ListCommand.self, RemoveCommand.self, VerifyCommand.self,
            ImportCommand.self, EnvCommand.self,
        ])
}

/// The documented exit code of each failure (see `Docs/Hub.md`).
enum Exit {
    static let notFound: Int32 = 2
    static let denied: Int32 = 3
    static let network: Int32 = 4
    static let integrity: Int32 = 5
    static let disk: Int32 = 6

    static func code(for error: HubError) -> Int32 {
        switch error {
        case .notFound: return notFound
        case .unauthorized, .forbidden: return denied
        case .offline, .httpStatus, .tooManyRedirects, .timeout, .network, .invalidResponse: return network
        case .checksumMismatch, .sizeMismatch, .archive: return integrity
        case .disk, .lockTimeout: return disk
        case .invalidArgument: return ExitCode.validationFailure.rawValue
        }
    }
}

/// Runs a subcommand's body, turning a ``HubError`` into its message on standard error and
/// its exit code, instead of a stack of Swift error text.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as HubError {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode(Exit.code(for: error))
    }
}

/// Options shared by the commands that name a repository.
struct RepoTypeOption: ParsableArguments {
    @Option(name: .customLong("repo-type"), help: "model, dataset or space.")
    var repoType: String = "model"

    func parsed() throws -> RepoType {
        guard let type = RepoType(rawValue: repoType) else {
            throw ValidationError("--repo-type must be model, dataset or space, not '\(repoType)'")
        }
        return type
    }
}

func humanBytes(_ value: Int64) -> String { TerminalProgressBar.bytes(Double(value)) }
