// The e2ekit demo, at the foundation stage: two identities, a signed key, a
// shared key from X25519 + HKDF, a file sealed under a passphrase, and an
// identity kept in the default (filesystem) store. Every step uses only the
// public headers a user would.
#include <e2ekit/codec/hex.hpp>
#include <e2ekit/core.hpp>
#include <e2ekit/crypto/aes_gcm.hpp>
#include <e2ekit/crypto/hkdf.hpp>
#include <e2ekit/crypto/pbkdf2.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/crypto/xeddsa.hpp>
#include <e2ekit/storage/filesystem_store.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

namespace {

using namespace e2ekit;
namespace hex = codec::hex;

[[noreturn]] void die(const std::string& what, std::error_code ec) {
    std::cerr << "demo: " << what << ": " << ec.message() << "\n";
    std::exit(1);
}

std::string short_hex(bytes_view b) {
    return hex::encode(b.first(8)) + "...";
}

// A sealed file: salt (16) || iv (12) || AES-256-GCM(ciphertext || tag).
// The key comes from the passphrase through PBKDF2-HMAC-SHA-256.
constexpr std::uint32_t pbkdf2_rounds = 200'000;
using sealed_key = secret<32, struct file_key_tag>;

bytes seal_file(std::string_view passphrase, bytes_view plaintext, system_random& rng) {
    auto salt = random_array<16>(rng);
    auto iv = random_array<12>(rng);
    auto key =
        crypto::pbkdf2_sha256::derive<32, file_key_tag>(as_bytes(passphrase), salt, pbkdf2_rounds);
    if (!key) die("pbkdf2", key.error());
    return concat(salt, iv, crypto::aes_256_gcm::seal(key->view(), iv, {}, plaintext));
}

result<secret_bytes> open_file(std::string_view passphrase, bytes_view sealed) {
    if (sealed.size() < 16 + 12 + crypto::aes_256_gcm::tag_size)
        return crypto::crypto_error::authentication_failed;
    const auto salt = sealed.first(16);
    const auto iv = fixed_view<12>(sealed.subspan(16, 12));
    E2EKIT_TRY(key, (crypto::pbkdf2_sha256::derive<32, file_key_tag>(as_bytes(passphrase), salt,
                                                                     pbkdf2_rounds)));
    return crypto::aes_256_gcm::open(key.view(), iv, {}, sealed.subspan(28));
}

} // namespace

int main(int argc, char** argv) {
    const std::filesystem::path dir = argc > 1
                                          ? std::filesystem::path(argv[1])
                                          : std::filesystem::temp_directory_path() / "e2ekit-demo";
    std::filesystem::create_directories(dir);
    system_random rng;

    std::cout << "1. Alice and Bob make identities (Curve25519 key pairs)\n";
    auto alice = crypto::x25519::generate(rng);
    auto bob = crypto::x25519::generate(rng);
    std::cout << "   alice " << short_hex(alice.pub) << "  bob " << short_hex(bob.pub) << "\n"
              << "   (her private key prints as " << alice.priv << ")\n";

    std::cout << "2. Alice signs a fresh prekey with XEdDSA; Bob checks it\n";
    auto prekey = crypto::x25519::generate(rng);
    auto sig = crypto::xeddsa::sign(alice.priv, prekey.pub, rng);
    auto good = crypto::xeddsa::verify(alice.pub, prekey.pub, sig);
    auto forged = prekey.pub;
    forged[0] ^= 1;
    auto bad = crypto::xeddsa::verify(alice.pub, forged, sig);
    std::cout << "   genuine prekey: " << (good ? "valid" : good.error().message())
              << "; altered prekey: " << (bad ? "valid" : bad.error().message()) << "\n";
    if (!good || bad) return 1;

    std::cout << "3. Bob answers with X25519 to the prekey; both run HKDF-SHA-256\n";
    auto dh_bob = crypto::x25519::agree(bob.priv, prekey.pub);
    auto dh_alice = crypto::x25519::agree(prekey.priv, bob.pub);
    if (!dh_bob || !dh_alice) die("x25519", dh_bob ? dh_alice.error() : dh_bob.error());
    secret<32> k_bob, k_alice;
    const auto info = as_bytes("e2ekit demo");
    if (auto r = crypto::hkdf_sha256::derive(k_bob.mutable_view(), dh_bob->view(), {}, info); !r)
        die("hkdf", r.error());
    if (auto r = crypto::hkdf_sha256::derive(k_alice.mutable_view(), dh_alice->view(), {}, info);
        !r)
        die("hkdf", r.error());
    std::cout << "   same key on both sides: " << (k_bob == k_alice ? "yes" : "NO") << "\n";
    if (!(k_bob == k_alice)) return 1;

    std::cout << "4. Alice seals a note under a passphrase (PBKDF2 + AES-256-GCM)\n";
    const std::string note = "Meet at the usual place at nine.";
    const auto sealed = seal_file("correct horse battery staple", as_bytes(note), rng);
    const auto path = dir / "note.sealed";
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(sealed.data()),
               static_cast<std::streamsize>(sealed.size()));
    std::ifstream in(path, std::ios::binary);
    const bytes on_disk{std::istreambuf_iterator<char>(in), {}};
    auto opened = open_file("correct horse battery staple", on_disk);
    auto wrong = open_file("correct horse battery stapler", on_disk);
    std::cout << "   " << path.string() << ": " << on_disk.size() << " bytes\n"
              << "   right passphrase: \"" << (opened ? std::string(as_chars(opened->view())) : "?")
              << "\"\n   wrong passphrase: " << (wrong ? "opened!" : wrong.error().message())
              << "\n";
    if (!opened || wrong) return 1;

    std::cout << "5. Alice keeps her identity in the filesystem store and reopens it\n";
    {
        auto store = storage::filesystem_store::open(dir / "store");
        if (!store) die("open store", store.error());
        storage::batch b;
        b.put("alice", "identity/private", alice.priv.view());
        b.put("alice", "identity/public", alice.pub);
        if (auto r = store->commit(b); !r) die("commit", r.error());
    }
    auto store = storage::filesystem_store::open(dir / "store");
    if (!store) die("reopen store", store.error());
    auto kept = store->get("alice", "identity/private");
    if (!kept) die("get", kept.error());
    const bool same = ct::equal(kept->view(), alice.priv.view());
    auto missing = store->get("bob", "identity/private");
    std::cout << "   identity read back intact: " << (same ? "yes" : "NO")
              << "; bob's namespace: " << (missing ? "found?" : missing.error().message()) << "\n";
    return same && !missing ? 0 : 1;
}
