// e2ekit's Matrix key export files and v2 attachments
// (protocols/matrix/{key_export,attachment}.hpp) against independent.py,
// written on python3-cryptography alone, and its PK encryption (pk.hpp)
// against python-olm (olm_pk.py): each side writes, the other reads, and
// the plaintexts must come back. Skipped (77) without /usr/bin/python3 or
// its cryptography and olm packages.
#include <e2ekit/protocols/matrix/attachment.hpp>
#include <e2ekit/protocols/matrix/key_export.hpp>
#include <e2ekit/protocols/matrix/pk.hpp>
#include <e2ekit/protocols/matrix/signed_json.hpp>

#include <tests/support/expect.hpp>

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

std::string script, pk_script, json_script;
std::filesystem::path work;

void write_file(const std::filesystem::path& p, bytes_view b) {
    std::ofstream f(p, std::ios::binary);
    f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

/// Runs the script with `args`, `input` on its stdin; its stdout, or exits.
std::string run(const std::string& args, const std::string& input = {},
                const std::string& which = script) {
    const auto in = work / "stdin", out = work / "stdout";
    write_file(in, as_bytes(input));
    const std::string cmd =
        "/usr/bin/python3 " + which + " " + args + " < " + in.string() + " > " + out.string();
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
    if (argc != 5) return 2;
    script = argv[1];
    pk_script = argv[2];
    json_script = argv[3];
    work = argv[4];
    if (std::system("/usr/bin/python3 -c 'import cryptography, olm, canonicaljson' 2>/dev/null") !=
        0)
        return 77;
    std::filesystem::create_directories(work);
    testing::deterministic_random rng(31);

    const std::string json =
        R"([{"algorithm":"m.megolm.v1.aes-sha2","room_id":"!r:example.org","session_key":"AQAAAA"}])";
    // e2ekit writes, python reads.
    auto file = mx::export_keys(as_bytes(json), "pass phrase", rng, 1000).value();
    write_file(work / "e2ekit.export", as_bytes(file));
    E2EKIT_EXPECT(run("read-export " + (work / "e2ekit.export").string() + " 'pass phrase'") ==
                  json);
    // python writes, e2ekit reads (and refuses another passphrase).
    const std::string theirs = run("write-export 'pass phrase' 777", json);
    auto back = mx::import_keys(theirs, "pass phrase");
    E2EKIT_EXPECT(back && std::string(as_chars(back->view())) == json);
    E2EKIT_EXPECT(mx::import_keys(theirs, "pass phrasf").error() ==
                  mx::matrix_error::authentication_failed);

    // Attachments, both ways.
    bytes content(70000);
    rng.fill(content);
    auto a = mx::encrypt_attachment(content, rng);
    write_file(work / "e2ekit.bin", a.ciphertext);
    const std::string hex = run("read-attachment " + (work / "e2ekit.bin").string(), a.info.dump());
    E2EKIT_EXPECT(hex.substr(0, hex.size() - 1) == codec::hex::encode(content));
    write_file(work / "plain.bin", content);
    const auto made =
        nlohmann::json::parse(run("write-attachment " + (work / "plain.bin").string()));
    const bytes ct = codec::hex::decode(made["ciphertext"].get<std::string>()).value();
    auto opened = mx::decrypt_attachment(ct, made["info"]);
    E2EKIT_EXPECT(opened && to_bytes(opened->view()) == content);

    // PK encryption: python-olm encrypts to e2ekit's key, and decrypts what
    // e2ekit encrypts to its key.
    const auto mine = crypto::x25519::generate(rng);
    const auto b64 = [](bytes_view b) {
        return codec::base64::encode<codec::base64::standard_unpadded>(b);
    };
    const auto unb64 = [](const nlohmann::json& j) {
        return codec::base64::decode<codec::base64::standard_unpadded>(j.get<std::string>())
            .value();
    };
    const auto sent = nlohmann::json::parse(run("encrypt " + b64(mine.pub), json, pk_script));
    mx::pk_message m;
    m.ciphertext = unb64(sent["ciphertext"]);
    const bytes mac = unb64(sent["mac"]), eph = unb64(sent["ephemeral"]);
    E2EKIT_EXPECT(mac.size() == 8 && eph.size() == 32);
    std::copy(mac.begin(), mac.end(), m.mac.begin());
    std::copy(eph.begin(), eph.end(), m.ephemeral.begin());
    auto pk_pt = mx::pk_decrypt(mine.priv, m);
    E2EKIT_EXPECT(pk_pt && std::string(as_chars(pk_pt->view())) == json);
    const auto peer = nlohmann::json::parse(run("new", {}, pk_script));
    crypto::x25519::public_key peer_pub{};
    const bytes pp = unb64(peer["public"]);
    std::copy(pp.begin(), pp.end(), peer_pub.begin());
    const auto to_peer = mx::pk_encrypt(peer_pub, as_bytes(json), rng).value();
    const nlohmann::json wire = {{"ephemeral", b64(to_peer.ephemeral)},
                                 {"mac", b64(to_peer.mac)},
                                 {"ciphertext", b64(to_peer.ciphertext)}};
    E2EKIT_EXPECT(
        run("decrypt '" + peer["pickle"].get<std::string>() + "'", wire.dump(), pk_script) == json);

    // Signed JSON: canonical forms equal python3-canonicaljson's, and
    // e2ekit's signature verifies under python-olm.
    const auto kp = crypto::ed25519::generate(rng);
    nlohmann::json device = {
        {"user_id", "@alice:example.org"},
        {"device_id", "E2EKIT"},
        {"algorithms", {"m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"}},
        {"keys", {{"curve25519:E2EKIT", "3C5BFWi2Y8MaVvjM8M22DBmh24PmgR0nPvJOIArzgyI"}}},
        {"z", {{"\u00e9t\u00e9", 1}, {"a", nullptr}, {"n", -9007199254740991}}},
        {"unsigned", {{"device_display_name", "e2ekit"}}}};
    E2EKIT_EXPECT(run("canonical", device.dump(), json_script) ==
                  codec::json::canonical(device).value());
    E2EKIT_EXPECT(mx::sign_json(device, "@alice:example.org", "E2EKIT",
                                [&](bytes_view b) { return crypto::ed25519::sign(kp.priv, b); }));
    E2EKIT_EXPECT(run("check @alice:example.org E2EKIT " + b64(kp.pub), device.dump(),
                      json_script) == "ok\n");

    return test::expect_summary("matrix files: key exports and attachments read both ways");
}
