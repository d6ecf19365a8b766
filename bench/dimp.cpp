// DIMP pack (instant -> secure -> reliable -> text) and unpack (text ->
// verify -> decrypt -> content) per message, e2ekit beside the same steps
// done with raw OpenSSL calls and nlohmann_json in this binary: names pair
// as BM_dimp_<op>/<case>/e2ekit and .../openssl. Senders sign with RSA-2048
// or secp256k1; receivers hold RSA-2048 keys; "group100" encrypts the
// message key to 100 members (the receiving side opens one member's copy).
// Run: bench_dimp --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <e2ekit/protocols/dimp/packer.hpp>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace e2ekit;
namespace dimp = e2ekit::protocols::dimp;

namespace {

// ---- raw OpenSSL ----------------------------------------------------------

using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
using cipher_ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

void ok(int rc) {
    if (rc != 1) throw std::runtime_error("OpenSSL call failed");
}

std::string b64_encode(const unsigned char* p, std::size_t n) {
    std::string out(4 * ((n + 2) / 3) + 1, '\0');
    const int len =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), p, static_cast<int>(n));
    out.resize(static_cast<std::size_t>(len));
    return out;
}

std::vector<unsigned char> b64_decode(const std::string& s) {
    std::vector<unsigned char> out(3 * s.size() / 4 + 3);
    const int len = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(s.data()),
                                    static_cast<int>(s.size()));
    if (len < 0) throw std::runtime_error("base64");
    std::size_t n = static_cast<std::size_t>(len);
    for (std::size_t i = s.size(); i > 0 && s[i - 1] == '='; --i)
        --n;
    out.resize(n);
    return out;
}

std::vector<unsigned char> aes_cbc(bool enc, const unsigned char* key, const unsigned char* iv,
                                   const unsigned char* in, std::size_t n) {
    cipher_ctx_ptr c(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    ok(EVP_CipherInit_ex(c.get(), EVP_aes_256_cbc(), nullptr, key, iv, enc ? 1 : 0));
    std::vector<unsigned char> out(n + 16);
    int a = 0, b = 0;
    ok(EVP_CipherUpdate(c.get(), out.data(), &a, in, static_cast<int>(n)));
    ok(EVP_CipherFinal_ex(c.get(), out.data() + a, &b));
    out.resize(static_cast<std::size_t>(a + b));
    return out;
}

std::vector<unsigned char> rsa_pkcs1(bool enc, EVP_PKEY* k, const unsigned char* in,
                                     std::size_t n) {
    ctx_ptr c(EVP_PKEY_CTX_new_from_pkey(nullptr, k, nullptr), EVP_PKEY_CTX_free);
    ok(enc ? EVP_PKEY_encrypt_init(c.get()) : EVP_PKEY_decrypt_init(c.get()));
    ok(EVP_PKEY_CTX_set_rsa_padding(c.get(), RSA_PKCS1_PADDING));
    std::size_t len = static_cast<std::size_t>(EVP_PKEY_get_size(k));
    std::vector<unsigned char> out(len);
    ok(enc ? EVP_PKEY_encrypt(c.get(), out.data(), &len, in, n)
           : EVP_PKEY_decrypt(c.get(), out.data(), &len, in, n));
    out.resize(len);
    return out;
}

std::vector<unsigned char> sign(EVP_PKEY* k, const std::vector<unsigned char>& data) {
    md_ctx_ptr c(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    ok(EVP_DigestSignInit(c.get(), nullptr, EVP_sha256(), nullptr, k));
    std::size_t len = 0;
    ok(EVP_DigestSign(c.get(), nullptr, &len, data.data(), data.size()));
    std::vector<unsigned char> sig(len);
    ok(EVP_DigestSign(c.get(), sig.data(), &len, data.data(), data.size()));
    sig.resize(len);
    return sig;
}

bool verify(EVP_PKEY* k, const std::vector<unsigned char>& data,
            const std::vector<unsigned char>& sig) {
    md_ctx_ptr c(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    ok(EVP_DigestVerifyInit(c.get(), nullptr, EVP_sha256(), nullptr, k));
    return EVP_DigestVerify(c.get(), sig.data(), sig.size(), data.data(), data.size()) == 1;
}

std::string pem_of(EVP_PKEY* k, bool priv) {
    std::unique_ptr<BIO, decltype(&BIO_free)> b(BIO_new(BIO_s_mem()), BIO_free);
    ok(priv ? PEM_write_bio_PrivateKey(b.get(), k, nullptr, nullptr, 0, nullptr, nullptr)
            : PEM_write_bio_PUBKEY(b.get(), k));
    char* p = nullptr;
    const long n = BIO_get_mem_data(b.get(), &p);
    return std::string(p, static_cast<std::size_t>(n));
}

// ---- the parties ----------------------------------------------------------

struct party {
    pkey_ptr raw{nullptr, EVP_PKEY_free};
    std::optional<dimp::private_key> key;
    std::optional<dimp::public_key> pub;
    std::optional<dimp::id> id;
};

party make_party(const char* type, const char* name) {
    party p;
    p.raw.reset(std::string(type) == "RSA"
                    ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", 2048)
                    : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "secp256k1"));
    const std::string alg = std::string(type) == "RSA" ? "RSA" : "ECC";
    p.key.emplace(
        dimp::private_key::from_json({{"algorithm", alg}, {"data", pem_of(p.raw.get(), true)}})
            .value());
    p.pub.emplace(p.key->public_key());
    auto meta = dimp::meta::generate(dimp::meta_type::mkm, *p.key, name).value();
    p.id.emplace(meta.generate_id(dimp::entity::user).value());
    return p;
}

struct world {
    party rsa_sender = make_party("RSA", "rsa-sender");
    party ecc_sender = make_party("EC", "ecc-sender");
    party receiver = make_party("RSA", "receiver");
    std::vector<dimp::id> members;
    dimp::id group = dimp::id::make("g", dimp::address::btc(bytes(8, 1), dimp::entity::group));

    world() {
        members.push_back(*receiver.id);
        for (int i = 1; i < 100; ++i)
            members.push_back(dimp::id::make(
                "m" + std::to_string(i),
                dimp::address::btc(bytes(8, static_cast<byte>(i)), dimp::entity::user)));
    }
};

const world& the_world() {
    static const world w;
    return w;
}

nlohmann::ordered_json text_content() {
    nlohmann::ordered_json c;
    c["type"] = "1";
    c["sn"] = 1234567890;
    c["time"] = 1714000100.25;
    c["text"] = "Hello, Bob! This is a message of ordinary length for a chat.";
    return c;
}

// ---- e2ekit -----------------------------------------------------------------

std::string pack_e2ekit(const party& from, const dimp::id& to,
                        std::span<const dimp::key_recipient> recipients,
                        testing::deterministic_random& rng) {
    auto msg = dimp::instant_message::create(*from.id, to, 1714000100.5, text_content()).value();
    const auto password = dimp::symmetric_key::generate_aes(rng);
    auto secure = dimp::encrypt_message(msg, password, rng, recipients).value();
    auto reliable = dimp::sign_message(secure, *from.key).value();
    return reliable.serialize().value();
}

void unpack_e2ekit(const std::string& text, const party& from, const party& me) {
    auto r = dimp::reliable_message::parse_text(text).value();
    const dimp::public_key* keys[] = {&*from.pub};
    auto s = dimp::verify_message(r, keys).value();
    const dimp::private_key* mine[] = {&*me.key};
    auto opened = dimp::decrypt_message(s, *me.id, mine).value();
    benchmark::DoNotOptimize(opened);
}

std::vector<dimp::key_recipient> recipients_of(const world& w, std::size_t n) {
    std::vector<dimp::key_recipient> out;
    for (std::size_t i = 0; i < n; ++i)
        out.push_back({w.members[i], &*w.receiver.pub});
    return out;
}

// ---- raw OpenSSL + nlohmann -------------------------------------------------

std::string pack_openssl(const party& from, const dimp::id& to,
                         const std::vector<dimp::id>& members, EVP_PKEY* member_key,
                         testing::deterministic_random& rng) {
    unsigned char key[32], iv[16];
    rng.fill(key);
    rng.fill(iv);
    const std::string body = text_content().dump();
    const auto ct =
        aes_cbc(true, key, iv, reinterpret_cast<const unsigned char*>(body.data()), body.size());
    const std::string key_json =
        nlohmann::json{{"algorithm", "AES"}, {"data", b64_encode(key, 32)}}.dump();
    nlohmann::json keys = nlohmann::json::object();
    for (const auto& m : members) {
        const auto ek =
            rsa_pkcs1(true, member_key, reinterpret_cast<const unsigned char*>(key_json.data()),
                      key_json.size());
        keys[m.str()] = b64_encode(ek.data(), ek.size());
    }
    const auto sig = sign(from.raw.get(), ct);
    nlohmann::json msg = {{"sender", from.id->str()},
                          {"receiver", to.str()},
                          {"time", 1714000100.5},
                          {"IV", b64_encode(iv, 16)},
                          {"data", b64_encode(ct.data(), ct.size())},
                          {"keys", std::move(keys)},
                          {"type", "1"},
                          {"signature", b64_encode(sig.data(), sig.size())}};
    return msg.dump();
}

void unpack_openssl(const std::string& text, const party& from, const party& me) {
    const auto msg = nlohmann::json::parse(text);
    const auto data = b64_decode(msg.at("data"));
    if (!verify(from.raw.get(), data, b64_decode(msg.at("signature"))))
        throw std::runtime_error("signature");
    const auto ek = b64_decode(msg.at("keys").at(me.id->str()));
    const auto key_text = rsa_pkcs1(false, me.raw.get(), ek.data(), ek.size());
    const auto key_json = nlohmann::json::parse(std::string(key_text.begin(), key_text.end()));
    const auto key = b64_decode(key_json.at("data"));
    const auto iv = b64_decode(msg.at("IV"));
    const auto body = aes_cbc(false, key.data(), iv.data(), data.data(), data.size());
    benchmark::DoNotOptimize(nlohmann::json::parse(std::string(body.begin(), body.end())));
}

// ---- the benchmarks -----------------------------------------------------------

const party& sender_of(int ecc) {
    return ecc ? the_world().ecc_sender : the_world().rsa_sender;
}

void pack_1to1_e2ekit(benchmark::State& st) {
    const auto& w = the_world();
    const auto to = recipients_of(w, 1);
    testing::deterministic_random rng(1);
    for (auto _ : st)
        benchmark::DoNotOptimize(
            pack_e2ekit(sender_of(static_cast<int>(st.range(0))), *w.receiver.id, to, rng));
}

void pack_1to1_openssl(benchmark::State& st) {
    const auto& w = the_world();
    const std::vector<dimp::id> to = {*w.receiver.id};
    testing::deterministic_random rng(1);
    for (auto _ : st)
        benchmark::DoNotOptimize(pack_openssl(sender_of(static_cast<int>(st.range(0))),
                                              *w.receiver.id, to, w.receiver.raw.get(), rng));
}

void unpack_1to1_e2ekit(benchmark::State& st) {
    const auto& w = the_world();
    const auto& from = sender_of(static_cast<int>(st.range(0)));
    testing::deterministic_random rng(2);
    const auto text = pack_e2ekit(from, *w.receiver.id, recipients_of(w, 1), rng);
    for (auto _ : st)
        unpack_e2ekit(text, from, w.receiver);
}

void unpack_1to1_openssl(benchmark::State& st) {
    const auto& w = the_world();
    const auto& from = sender_of(static_cast<int>(st.range(0)));
    testing::deterministic_random rng(2);
    const auto text =
        pack_openssl(from, *w.receiver.id, {*w.receiver.id}, w.receiver.raw.get(), rng);
    for (auto _ : st)
        unpack_openssl(text, from, w.receiver);
}

void pack_group_e2ekit(benchmark::State& st) {
    const auto& w = the_world();
    const auto to = recipients_of(w, w.members.size());
    testing::deterministic_random rng(3);
    for (auto _ : st)
        benchmark::DoNotOptimize(
            pack_e2ekit(sender_of(static_cast<int>(st.range(0))), w.group, to, rng));
}

void pack_group_openssl(benchmark::State& st) {
    const auto& w = the_world();
    testing::deterministic_random rng(3);
    for (auto _ : st)
        benchmark::DoNotOptimize(pack_openssl(sender_of(static_cast<int>(st.range(0))), w.group,
                                              w.members, w.receiver.raw.get(), rng));
}

void unpack_group_e2ekit(benchmark::State& st) {
    const auto& w = the_world();
    const auto& from = sender_of(static_cast<int>(st.range(0)));
    testing::deterministic_random rng(4);
    const auto text = pack_e2ekit(from, w.group, recipients_of(w, w.members.size()), rng);
    for (auto _ : st)
        unpack_e2ekit(text, from, w.receiver);
}

void unpack_group_openssl(benchmark::State& st) {
    const auto& w = the_world();
    const auto& from = sender_of(static_cast<int>(st.range(0)));
    testing::deterministic_random rng(4);
    const auto text = pack_openssl(from, w.group, w.members, w.receiver.raw.get(), rng);
    for (auto _ : st)
        unpack_openssl(text, from, w.receiver);
}

} // namespace

// Argument: 0 = RSA-2048 sender, 1 = secp256k1 sender.
BENCHMARK(pack_1to1_e2ekit)->Name("BM_dimp_pack/1to1/e2ekit")->Arg(0)->Arg(1);
BENCHMARK(pack_1to1_openssl)->Name("BM_dimp_pack/1to1/openssl")->Arg(0)->Arg(1);
BENCHMARK(unpack_1to1_e2ekit)->Name("BM_dimp_unpack/1to1/e2ekit")->Arg(0)->Arg(1);
BENCHMARK(unpack_1to1_openssl)->Name("BM_dimp_unpack/1to1/openssl")->Arg(0)->Arg(1);
BENCHMARK(pack_group_e2ekit)
    ->Name("BM_dimp_pack/group100/e2ekit")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(pack_group_openssl)
    ->Name("BM_dimp_pack/group100/openssl")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(unpack_group_e2ekit)->Name("BM_dimp_unpack/group100/e2ekit")->Arg(0)->Arg(1);
BENCHMARK(unpack_group_openssl)->Name("BM_dimp_unpack/group100/openssl")->Arg(0)->Arg(1);
