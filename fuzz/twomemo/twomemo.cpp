// Fuzzes OMEMO 2's parsers and decrypt paths (protocols/twomemo/): the first byte picks what the
// rest is, against one fixed world (Alice started a session with Bob; Bob holds his session and
// keys; some of Alice's messages are held back):
//   0  a `<key>` content (OMEMOAuthenticatedMessage) decrypted by Bob's session
//   1  a `<key kex>` content (OMEMOKeyExchange): parsed, re-encoded, and used to build a session
//   2  an <encrypted> element      3  a <bundle> element      4  a <devices> element
//   5  a stored session            6  a payload opened with a held-back key material
// Refusals are typed and leave Bob's session unchanged; a decrypt succeeds only for Alice's genuine
// messages (its key material is then hers); what parses writes back to a form that parses to the
// same value (key exchanges and messages: to a canonical encoding that stays put).
// Seeds: E2EKIT_FUZZ_SEEDS_OUT=<dir> replay_twomemo /dev/null writes them (genuine and broken).
#include <e2ekit/protocols/twomemo.hpp>

#include <e2ekit/core/random.hpp>

#include <fuzz/support/seeds.hpp>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo2;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

struct world {
    om::identity_key_pair alice;
    om::identity_key_pair bob;
    std::vector<om::signed_prekey> spks;
    std::vector<om::prekey> pks;
    om::session bob_session;
    std::vector<om::encrypted_key_material> held;  ///< Alice's, not yet given to Bob
    std::vector<om::plain_key_material> held_keys; ///< what they carry
    om::encrypted_payload payload;                 ///< a payload under held_keys[0]
    std::string encrypted_xml;
    std::string bundle_xml;

    world() : alice(init_id()), bob(init_id()) {
        testing::deterministic_random rng(7);
        spks.push_back(om::signed_prekey::generate(bob.dh, 1, 0, rng));
        pks = om::prekey::generate(1, 3, rng);
        auto a = om::build_session_active(alice, om::make_bundle(bob, spks[0], pks), rng).value();
        const auto send = [&](om::session& s, const om::plain_key_material& km) {
            auto [next, e] = om::encrypt_key_material(s, km, rng).value().split();
            s = std::move(next);
            return e;
        };
        // Three key exchanges: Bob builds his session from the first.
        std::vector<om::plain_key_material> kms;
        for (int i = 0; i < 3; ++i)
            kms.push_back(
                om::encrypt_plaintext(rng, as_bytes("kex " + std::to_string(i))).key_material);
        std::vector<om::encrypted_key_material> kex;
        for (const auto& km : kms)
            kex.push_back(send(a, km));
        auto x = om::parse_key_exchange(kex[0].data).value();
        bob_session = om::build_session_passive(bob, spks, pks, x).value().take_state();
        // Bob answers; Alice reads it and sends two plain messages.
        auto reply = send(bob_session, om::encrypt_plaintext(rng, as_bytes("reply")).key_material);
        auto m = om::parse_authenticated_message(reply.data).value();
        a = om::decrypt_key_material(a, m).value().take_state();
        payload = om::encrypt_plaintext(rng, as_bytes("the payload"));
        held.push_back(std::move(kex[1]));
        held.push_back(std::move(kex[2]));
        held_keys.push_back(kms[1].clone());
        held_keys.push_back(kms[2].clone());
        held.push_back(send(a, payload.key_material));
        held_keys.push_back(payload.key_material.clone());
        auto empty = om::plain_key_material::make_empty();
        held.push_back(send(a, empty));
        held_keys.push_back(std::move(empty));
        encrypted_xml = om::encrypted_xml(
            {1, {{"bob@example.org", {{2, held[0]}, {3, held[2]}}}}, payload.ciphertext});
        bundle_xml = om::bundle_xml(om::make_bundle(bob, spks[0], pks));
    }

    static om::identity_key_pair init_id() {
        static testing::deterministic_random ids(3);
        return om::identity_key_pair::generate(ids);
    }

    bool genuine(const om::plain_key_material& km) const {
        for (const auto& k : held_keys)
            if (k == km) return true;
        return false;
    }
};

const world& the_world() {
    static const world w;
    return w;
}

void write_seed(const std::string& dir, const std::string& name, byte kind, bytes_view body) {
    std::ofstream f(dir + "/" + name, std::ios::binary);
    f.put(static_cast<char>(kind));
    f.write(reinterpret_cast<const char*>(body.data()), static_cast<std::streamsize>(body.size()));
}

void write_seeds(const std::string& dir) {
    const world& w = the_world();
    for (std::size_t i = 0; i < w.held.size(); ++i) {
        const auto& e = w.held[i];
        write_seed(dir, "key_" + std::to_string(i), e.kex ? 1 : 0, e.data);
    }
    auto cut = w.held[2].data;
    cut.resize(cut.size() / 2);
    write_seed(dir, "key_cut", 0, cut);
    auto flipped = w.held[3].data;
    flipped[5] ^= 1;
    write_seed(dir, "key_flipped", 0, flipped);
    auto kex_flipped = w.held[0].data;
    kex_flipped[kex_flipped.size() - 3] ^= 0x40;
    write_seed(dir, "kex_flipped", 1, kex_flipped);
    write_seed(dir, "encrypted", 2, as_bytes(w.encrypted_xml));
    const std::string python_style =
        "<ns0:encrypted xmlns:ns0=\"urn:xmpp:omemo:2\"><ns0:header sid=\"7\"><ns0:keys "
        "jid=\"a@b\"><ns0:key rid=\"1\" kex=\"true\">AQID</ns0:key></ns0:keys></ns0:header>"
        "<ns0:payload>BAUG</ns0:payload></ns0:encrypted>";
    write_seed(dir, "encrypted_python_style", 2, as_bytes(python_style));
    write_seed(dir, "encrypted_broken", 2,
               as_bytes(std::string_view("<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'>")));
    write_seed(dir, "bundle", 3, as_bytes(w.bundle_xml));
    const std::vector<om::device> devices{{1, "phone"}, {2, std::nullopt}};
    write_seed(dir, "devices", 4, as_bytes(om::device_list_xml(devices)));
    write_seed(dir, "devices_python_style", 4,
               as_bytes(std::string_view("<ns0:devices xmlns:ns0=\"urn:xmpp:omemo:2\"><ns0:device "
                                         "id=\"5\" label=\"laptop\" /></ns0:devices>")));
    write_seed(dir, "stored_session", 5, om::serialize(w.bob_session).view());
    write_seed(dir, "payload", 6, w.payload.ciphertext.ciphertext);
}

void key_content(const world& w, bytes_view in, bool kex) {
    const auto before = om::serialize(w.bob_session);
    if (kex) {
        auto x = om::parse_key_exchange(in);
        if (!x) return;
        const bytes wire = om::encode_key_exchange(*x);
        auto again = om::parse_key_exchange(wire);
        require(again && *again == *x && om::encode_key_exchange(*again) == wire);
        if (om::builds_same_session(w.bob_session, *x)) {
            auto r = om::decrypt_key_material(w.bob_session, x->message);
            if (r) require(w.genuine(std::move(*r).release()));
        }
        auto p = om::build_session_passive(w.bob, w.spks, w.pks, *x);
        if (p) require(w.genuine(std::move(*p).release().key_material));
    } else {
        auto m = om::parse_authenticated_message(in);
        if (!m) return;
        const bytes wire = om::encode_authenticated_message(*m);
        auto again = om::parse_authenticated_message(wire);
        require(again && *again == *m);
        auto r = om::decrypt_key_material(w.bob_session, *m);
        if (r) require(w.genuine(std::move(*r).release()));
    }
    require(ct::equal(om::serialize(w.bob_session).view(), before.view()));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    e2ekit::fuzz::write_seeds_once([](const char* dir) { write_seeds(dir); });
    if (size == 0) return 0;
    const bytes_view in(data + 1, size - 1);
    const std::string_view text(reinterpret_cast<const char*>(in.data()), in.size());
    const world& w = the_world();
    switch (data[0] % 7) {
    case 0: key_content(w, in, false); break;
    case 1: key_content(w, in, true); break;
    case 2: {
        auto m = om::parse_encrypted(text);
        if (!m) break;
        auto again = om::parse_encrypted(om::encrypted_xml(*m));
        require(again && *again == *m);
        for (const auto& r : m->recipients)
            for (const auto& k : r.keys)
                key_content(w, k.material.data, k.material.kex);
        break;
    }
    case 3: {
        auto b = om::parse_bundle(text);
        if (!b) break;
        auto again = om::parse_bundle(om::bundle_xml(*b));
        require(again && *again == *b);
        (void)b->verify();
        break;
    }
    case 4: {
        auto d = om::parse_device_list(text);
        if (!d) break;
        require(!d->empty());
        auto again = om::parse_device_list(om::device_list_xml(*d));
        require(again && *again == *d);
        break;
    }
    case 5: {
        auto s = om::parse_session(in);
        if (!s) break;
        auto again = om::parse_session(om::serialize(*s).view());
        require(again && *again == *s);
        break;
    }
    default: {
        auto pt = om::decrypt_plaintext(om::content{to_bytes(in)}, w.held_keys[2]);
        if (pt) require(equal_public(pt->view(), as_bytes("the payload")));
        break;
    }
    }
    return 0;
}
