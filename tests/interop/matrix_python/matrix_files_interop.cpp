// e2ekit's Matrix key export files and v2 attachments
// (protocols/matrix/{key_export,attachment}.hpp) against independent.py,
// written on python3-cryptography alone: each side writes, the other
// reads, and the plaintexts must come back. Skipped (77) without
// /usr/bin/python3 or its cryptography package.
#include <e2ekit/protocols/matrix/attachment.hpp>
#include <e2ekit/protocols/matrix/key_export.hpp>

#include <e2ekit/codec/hex.hpp>
#include <e2ekit/core/random.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using namespace e2ekit;
namespace mx = e2ekit::protocols::matrix;

namespace {

int failures = 0;
#define EXPECT(cond)                                                                               \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond);               \
            ++failures;                                                                            \
        }                                                                                          \
    } while (0)

std::string script;
std::filesystem::path work;

void write_file(const std::filesystem::path& p, bytes_view b) {
    std::ofstream f(p, std::ios::binary);
    f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

/// Runs the script with `args`, `input` on its stdin; its stdout, or exits.
std::string run(const std::string& args, const std::string& input = {}) {
    const auto in = work / "stdin", out = work / "stdout";
    write_file(in, as_bytes(input));
    const std::string cmd =
        "/usr/bin/python3 " + script + " " + args + " < " + in.string() + " > " + out.string();
    if (std::system(cmd.c_str()) != 0) {
        std::fprintf(stderr, "failed: %s\n", cmd.c_str());
        std::exit(1);
    }
    std::ifstream f(out, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) return 2;
    script = argv[1];
    work = argv[2];
    if (std::system("/usr/bin/python3 -c 'import cryptography' 2>/dev/null") != 0) return 77;
    std::filesystem::create_directories(work);
    testing::deterministic_random rng(31);

    const std::string json =
        R"([{"algorithm":"m.megolm.v1.aes-sha2","room_id":"!r:example.org","session_key":"AQAAAA"}])";
    // e2ekit writes, python reads.
    auto file = mx::export_keys(as_bytes(json), "pass phrase", rng, 1000).value();
    write_file(work / "e2ekit.export", as_bytes(file));
    EXPECT(run("read-export " + (work / "e2ekit.export").string() + " 'pass phrase'") == json);
    // python writes, e2ekit reads (and refuses another passphrase).
    const std::string theirs = run("write-export 'pass phrase' 777", json);
    auto back = mx::import_keys(theirs, "pass phrase");
    EXPECT(back && std::string(as_chars(back->view())) == json);
    EXPECT(mx::import_keys(theirs, "pass phrasf").error() ==
           mx::matrix_error::authentication_failed);

    // Attachments, both ways.
    bytes content(70000);
    rng.fill(content);
    auto a = mx::encrypt_attachment(content, rng);
    write_file(work / "e2ekit.bin", a.ciphertext);
    const std::string hex = run("read-attachment " + (work / "e2ekit.bin").string(), a.info.dump());
    EXPECT(hex.substr(0, hex.size() - 1) == codec::hex::encode(content));
    write_file(work / "plain.bin", content);
    const auto made =
        nlohmann::json::parse(run("write-attachment " + (work / "plain.bin").string()));
    const bytes ct = codec::hex::decode(made["ciphertext"].get<std::string>()).value();
    auto opened = mx::decrypt_attachment(ct, made["info"]);
    EXPECT(opened && to_bytes(opened->view()) == content);

    if (failures) {
        std::fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    std::puts("matrix files: key exports and attachments read both ways");
    return 0;
}
