// Fuzzes the Matrix readers (protocols/matrix/): the first byte picks a key
// export file (the rest as its text, read under a fixed passphrase with a
// low round count written into seeds), an attachment's info JSON (the rest,
// over a fixed ciphertext), a signed JSON object (verified under a fixed
// key: it verifies only if that key signed it), an event content (read as
// m.olm.v1, m.megolm.v1 and m.room_key) or a decrypted payload (opened as
// Olm's and Megolm's under fixed expectations). Outcomes are values or
// matrix_error; an export that reads must be one this harness's passphrase
// made, so its JSON is the known one; contents and payloads that read
// write back to JSON that reads as the same value. Seeds: E2EKIT_FUZZ_SEEDS_OUT=<dir> replay_matrix_files /dev/null.
#include <e2ekit/protocols/matrix/attachment.hpp>
#include <e2ekit/protocols/matrix/events.hpp>
#include <e2ekit/protocols/matrix/key_export.hpp>
#include <e2ekit/protocols/matrix/signed_json.hpp>

#include <e2ekit/codec/json.hpp>
#include <e2ekit/core/random.hpp>

#include <fuzz/support/seeds.hpp>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

using namespace e2ekit;
namespace mx = e2ekit::protocols::matrix;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

const std::string json = R"([{"session_id":"fuzz"}])";
const bytes attachment_ct(64, 0x5a);
const byte_array<32> own{9};
const byte_array<32> expected_sender{10};

void seed(const char* dir, const std::string& name, char kind, const std::string& body) {
    std::ofstream f(std::string(dir) + "/" + name, std::ios::binary);
    f.put(kind);
    f << body;
}

void write_seeds(const char* dir) {
    testing::deterministic_random rng(9);
    const auto file = mx::export_keys(as_bytes(json), "fuzz", rng, 2).value();
    seed(dir, "export", 0, file);
    seed(dir, "export_cut", 0, file.substr(0, file.size() / 2));
    seed(dir, "export_other_rounds", 0, mx::export_keys(as_bytes(json), "fuzz", rng, 3).value());
    auto a = mx::encrypt_attachment(as_bytes("x"), rng);
    seed(dir, "attachment_info", 1, a.info.dump());
    a.info["v"] = "v1";
    seed(dir, "attachment_v1", 1, a.info.dump());
    seed(dir, "not_json", 1, "{\"v\":");
    static const auto kp = crypto::ed25519::from_seed(crypto::ed25519::seed{});
    nlohmann::json obj = {{"user_id", "@fuzz:example.org"}, {"keys", {{"k", "v"}}}};
    (void)mx::sign_json(obj, "@fuzz:example.org", "FUZZ",
                        [](bytes_view b) { return crypto::ed25519::sign(kp.priv, b); });
    seed(dir, "signed", 2, obj.dump());
    obj["keys"]["k"] = "w";
    seed(dir, "signed_changed", 2, obj.dump());

    mx::olm_content olm{{1}, {}};
    olm.ciphertext[{2}] = {0, bytes(40, 7)};
    olm.ciphertext[{3}] = {1, bytes(9, 8)};
    seed(dir, "olm_content", 3, mx::to_json(olm).dump());
    seed(dir, "megolm_content", 3,
         mx::to_json(mx::megolm_content{bytes(50, 1), {4}, byte_array<32>{5}, "DEV"}).dump());
    seed(dir, "room_key", 3,
         mx::to_json(mx::room_key{"!fuzz:example.org", {6}, secret_bytes(229)}).dump());
    seed(dir, "olm_payload", 4,
         mx::to_json(mx::olm_payload{"m.room_key",
                                     {{"k", 1}},
                                     "@s:example.org",
                                     "@fuzz:example.org",
                                     expected_sender,
                                     own,
                                     "D"})
             .dump());
    seed(dir, "megolm_payload", 4,
         mx::to_json(mx::megolm_payload{"m.room.message", {{"body", "b"}}, "!fuzz:example.org"})
             .dump());
}

void fuzz_content(std::string_view text) {
    auto j = codec::json::parse(text);
    if (!j) return;
    const auto& category = std::error_code(mx::matrix_error{}).category();
    auto round_trip = [&](auto r, auto parse) {
        if (r)
            require(parse(mx::to_json(*r)).value() == *r);
        else
            require(r.error().category() == category);
    };
    round_trip(mx::parse_olm_content(*j), [](const auto& x) { return mx::parse_olm_content(x); });
    round_trip(mx::parse_megolm_content(*j),
               [](const auto& x) { return mx::parse_megolm_content(x); });
    round_trip(mx::parse_room_key(*j), [](const auto& x) { return mx::parse_room_key(x); });
}

void fuzz_payload(std::string_view text) {
    const auto& category = std::error_code(mx::matrix_error{}).category();
    const mx::olm_expectation expect{"@fuzz:example.org", own, "@s:example.org", &expected_sender};
    if (auto p = mx::open_olm_payload(text, expect))
        require(mx::open_olm_payload(mx::to_json(*p).dump(), expect).value() == *p);
    else
        require(p.error().category() == category);
    if (auto p = mx::open_megolm_payload(text, "!fuzz:example.org"))
        require(mx::open_megolm_payload(mx::to_json(*p).dump(), "!fuzz:example.org").value() == *p);
    else
        require(p.error().category() == category);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    e2ekit::fuzz::write_seeds_once([](const char* dir) { write_seeds(dir); });
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] % 5 == 3) {
        fuzz_content(text);
    } else if (data[0] % 5 == 4) {
        fuzz_payload(text);
    } else if (data[0] % 5 == 2) {
        static const auto kp = crypto::ed25519::from_seed(crypto::ed25519::seed{});
        auto obj = codec::json::parse(text);
        if (!obj) return 0;
        auto r = mx::verify_json(*obj, "@fuzz:example.org", "FUZZ", kp.pub);
        if (r) {
            // Ed25519 is deterministic: the signature that verified is the
            // one this key makes over the signing text.
            const auto text = mx::signing_text(*obj).value();
            const auto sig = crypto::ed25519::sign(kp.priv, as_bytes(text));
            const auto& by = (*obj)["signatures"]["@fuzz:example.org"];
            const auto got = codec::json::get_bytes(by, "ed25519:FUZZ");
            require(got.has_value() && equal_public(*got, sig));
        } else {
            require(r.error().category() == std::error_code(mx::matrix_error{}).category());
        }
    } else if (data[0] % 5 == 0) {
        // A bound on the rounds keeps each input cheap.
        auto r = mx::import_keys(text, "fuzz", 16);
        if (r)
            require(std::string(as_chars(r->view())) == json);
        else
            require(r.error().category() == std::error_code(mx::matrix_error{}).category());
    } else {
        auto info = codec::json::parse(text);
        if (!info) return 0;
        auto r = mx::decrypt_attachment(attachment_ct, *info);
        if (!r) require(r.error().category() == std::error_code(mx::matrix_error{}).category());
    }
    return 0;
}
