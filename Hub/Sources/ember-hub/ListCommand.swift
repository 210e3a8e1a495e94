import ArgumentParser
import EmberHub
import Foundation

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List cached repositories: revisions, sizes, last use.")

    @Flag(name: .customLong("revisions"), help: "One line per revision instead of per repository.")
    var showRevisions = false

    func run() async throws {
        try await reportingErrors {
            let configuration = HubConfiguration.fromEnvironment()
            let repos = try CacheScanner.scan(configuration.cacheDirectory)
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
            formatter.timeZone = TimeZone(identifier: "UTC")
            func date(_ value: Date?) -> String { value.map(formatter.string(from:)) ?? "-" }
            var rows: [[String]]
            if showRevisions {
                rows = [["REPO", "TYPE", "COMMIT", "REFS", "FILES", "SIZE"]]
                for repo in repos {
                    for revision in repo.revisions {
                        rows.append([
                            repo.repository.id, repo.repository.type.rawValue, revision.commit,
                            revision.refs.joined(separator: ","), "\(revision.files.count)", humanBytes(revision.size),
                        ])
                    }
                }
            } else {
                rows = [["REPO", "TYPE", "SIZE", "FILES", "REVISIONS", "LAST USED", "LAST MODIFIED", "REFS"]]
                for repo in repos {
                    let refs = repo.revisions.flatMap(\.refs).sorted().joined(separator: ",")
                    rows.append([
                        repo.repository.id, repo.repository.type.rawValue, humanBytes(repo.size), "\(repo.blobCount)",
                        "\(repo.revisions.count)", date(repo.lastAccessed), date(repo.lastModified), refs,
                    ])
                }
            }
            printTable(rows)
            let total = repos.reduce(Int64(0)) { $0 + $1.size }
            print("\n\(repos.count) repositories, \(humanBytes(total)) in \(configuration.cacheDirectory.path)")
        }
    }
}

/// Left-aligned columns separated by two spaces.
func printTable(_ rows: [[String]]) {
    guard let width = rows.map(\.count).max() else { return }
    var widths = Array(repeating: 0, count: width)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    for row in rows {
        let cells = row.enumerated().map { i, cell in
            i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
        }
        print(cells.joined(separator: "  "))
    }
}
