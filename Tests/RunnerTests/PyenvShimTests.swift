import Foundation
import Testing
@testable import Runner

/// A pyenv layout in a temporary folder (a real shim script, real version folders), and the interpreter the
/// worker then starts instead of the shim.
@Suite struct PyenvShimTests {
    let root: String, project: String, path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.appending(path: "pyenv-shim-\(UUID().uuidString)").path
        root = base + "/pyenv"
        project = base + "/project/sub"
        path = "\(root)/shims:/usr/bin:/bin"
        for folder in ["\(root)/shims", "\(root)/libexec", "\(root)/versions/3.11.7/bin", "\(root)/versions/3.12.1/bin", project] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try executable("\(root)/shims/python3", "#!/usr/bin/env bash\nset -e\nexport PYENV_ROOT=\"\(root)\"\nexec \"\(root)/libexec/pyenv\" exec \"$program\" \"$@\"\n")
        try executable("\(root)/versions/3.11.7/bin/python3", "#!/bin/sh\n")
        try executable("\(root)/versions/3.12.1/bin/python3", "#!/bin/sh\n")
        try "3.11.7\n".write(toFile: "\(root)/version", atomically: true, encoding: .utf8)
    }

    func executable(_ file: String, _ text: String) throws {
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file)
    }

    func resolve(_ extra: [String: String] = [:]) -> PyenvShim.Resolved? {
        PyenvShim.resolve("python3", environment: ["PATH": path].merging(extra) { $1 }, directory: project)
    }

    @Test func globalVersionThenLocalFileThenVariable() throws {
        #expect(resolve()?.executable == "\(root)/versions/3.11.7/bin/python3")
        #expect(resolve()?.environment["PATH"] == "\(root)/versions/3.11.7/bin:\(path)")
        #expect(resolve()?.environment["PYENV_ROOT"] == root)
        // The nearest .python-version above the working directory wins over the global one.
        try "3.12.1\n".write(toFile: (project as NSString).deletingLastPathComponent + "/.python-version", atomically: true, encoding: .utf8)
        #expect(resolve()?.executable == "\(root)/versions/3.12.1/bin/python3")
        #expect(resolve(["PYENV_VERSION": "3.11.7"])?.executable == "\(root)/versions/3.11.7/bin/python3")
    }

    @Test func leavesTheShimWhenTheChoiceIsNotPlain() throws {
        #expect(resolve(["PYENV_VERSION": "3.11.7:3.12.1"]) == nil)
        #expect(resolve(["PYENV_VERSION": "system"]) == nil)
        #expect(resolve(["PYENV_VERSION": "3.11"]) == nil)  // a prefix pyenv would look up
        #expect(resolve(["PYENV_DEBUG": "1"]) == nil)
        #expect(resolve(["PYENV_ROOT": "/elsewhere"]) == nil)
        #expect(PyenvShim.resolve("python3", environment: ["PATH": "/usr/bin:/bin"], directory: project)?.executable.hasPrefix(root) != true)
        #expect(PyenvShim.resolve("/usr/bin/python3", environment: ["PATH": path], directory: project) == nil)
        try "3.11.7\n3.12.1\n".write(toFile: "\(root)/version", atomically: true, encoding: .utf8)
        #expect(resolve() == nil)
    }

    @Test func plainVersionNames() {
        #expect(PyenvShim.plain(" 3.11.7 \n") == "3.11.7")
        #expect(PyenvShim.plain("# comment\n3.11.7") == nil)
        #expect(PyenvShim.plain("../x") == nil)
        #expect(PyenvShim.plain("") == nil)
    }
}
