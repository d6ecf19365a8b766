// DIMP metas, documents and key maps on attacker text. The first byte picks
// what the JSON after it is read as: a meta, a document, or a key map
// (public, private, symmetric).
//
// - A refusal is a typed error of the DIMP layer, the codec or (for keys)
//   nothing else; never an exception or a crash.
// - A meta that parses is valid: it generates IDs it matches (on network 0,
//   and for BTC-style metas on others), and reads back from its own map.
//   A type-1 meta of alice's or bob's key carries a fingerprint they made.
// - A document that parses reads back from its own wire map with the same
//   data and signature; it verifies for alice, bob or the group only if its
//   data is one they signed (fixture.hpp), and then under their meta.
// - A key map that parses writes a map that parses to an equal key; a
//   private key signs what its public key verifies; a symmetric key
//   decrypts what it encrypts.
//
// Seeds: E2EKIT_FUZZ_SEEDS_OUT=<dir> replay_dimp_meta_document /dev/null.
#include <fuzz/dimp_message/fixture.hpp>

#include <cstdint>
#include <string>
#include <string_view>

using namespace e2ekit;
using namespace e2ekit::fuzz_dimp;
using dimp::dimp_error;

namespace {

void check_meta(const world& w, const nlohmann::json& j) {
    auto m = dimp::meta::parse(j);
    if (!m) {
        require(typed(m.error()));
        return;
    }
    for (int network : {0, 1, 2, 8, 0x88}) {
        auto i = m->generate_id(static_cast<std::uint8_t>(network));
        if (m->type() == dimp::meta_type::eth && network != 0) {
            require(i.error() == dimp_error::id_mismatch);
            continue;
        }
        require(i.has_value());
        require(m->match(*i).has_value());
    }
    auto again = dimp::meta::parse(m->to_json());
    require(again.has_value() && again->key() == m->key() && again->type() == m->type());
    if (m->type() == dimp::meta_type::mkm) {
        require(m->seed() && !m->seed()->empty());
        require(m->key().verify(as_bytes(*m->seed()), m->fingerprint()).has_value());
        for (const user* u : {&w.alice, &w.bob})
            if (m->key() == u->meta.key())
                require(*m->seed() == "alice" || *m->seed() == "bob" || *m->seed() == "fuzz-group");
    }
}

void check_document(const world& w, const nlohmann::json& j) {
    auto d = dimp::document::parse(j);
    if (!d) {
        require(typed(d.error()) && d.error() != dimp_error::authentication_failed);
        return;
    }
    auto again = dimp::document::parse(d->to_json());
    require(again.has_value() && again->data() == d->data() &&
            equal_public(again->signature(), d->signature()) && again->type() == d->type());
    struct owner {
        const dimp::id& id;
        const dimp::meta& meta;
        const std::set<bytes>& signed_set;
    };
    const owner owners[] = {{w.alice.id, w.alice.meta, w.signed_by_alice},
                            {w.bob.id, w.bob.meta, w.signed_by_bob},
                            {w.group, w.group_meta, w.signed_by_alice}};
    for (const auto& o : owners) {
        auto v = d->verify_for(o.id, o.meta);
        if (v) {
            require(o.signed_set.count(to_bytes(as_bytes(d->data()))) == 1);
            require(d->did().address() == o.id.address());
        } else {
            require(v.error() == dimp_error::authentication_failed ||
                    v.error() == dimp_error::id_mismatch);
        }
    }
    (void)d->visa_key();
    (void)d->founder();
    (void)d->name();
    (void)d->time();
}

void check_keys(const nlohmann::json& j) {
    if (auto k = dimp::public_key::from_json(j); k) {
        auto again = dimp::public_key::from_json(k->to_json());
        require(again.has_value() && *again == *k && again->data() == k->clone().data());
        require(!k->verify(as_bytes("m"), bytes(8)).has_value());
    } else {
        require(typed(k.error()));
    }
    if (auto k = dimp::private_key::from_json(j); k) {
        const auto text = k->to_json();
        auto again = dimp::private_key::from_json(nlohmann::json::parse(as_chars(text.view())));
        require(again.has_value() && again->public_key() == k->public_key());
        auto sig = k->sign(as_bytes("fuzz"));
        require(sig.has_value() && k->public_key().verify(as_bytes("fuzz"), *sig).has_value());
    } else {
        require(typed(k.error()));
    }
    if (auto k = dimp::symmetric_key::from_json(j); k) {
        const auto text = k->serialize();
        auto again = dimp::symmetric_key::from_json(nlohmann::json::parse(as_chars(text.view())));
        require(again.has_value() && *again == *k);
        const dimp::symmetric_key::iv_type iv{7};
        const bytes ct = k->encrypt(as_bytes("fuzz"), iv);
        auto pt = k->decrypt(ct, iv);
        require(pt.has_value() && as_chars(pt->view()) == "fuzz");
    } else {
        require(typed(k.error()));
    }
}

void make_seeds(auto&& put) {
    static const world w;
    auto dump = [](const auto& j) { return *codec::json::python_dumps(j); };
    auto as = [](char mode, const std::string& text) { return std::string(1, mode) + text; };
    put("meta_alice", as(0, dump(w.alice.meta.to_json())));
    put("meta_bob", as(0, dump(w.bob.meta.to_json())));
    put("meta_group", as(0, dump(w.group_meta.to_json())));
    testing::deterministic_random rng(11);
    const auto ecc = dimp::private_key::generate_ecc(rng);
    put("meta_btc", as(0, dump(dimp::meta::generate(dimp::meta_type::btc, ecc)->to_json())));
    put("meta_eth", as(0, dump(dimp::meta::generate(dimp::meta_type::eth, ecc)->to_json())));
    {
        auto j = w.alice.meta.to_json();
        j["seed"] = "alicf";
        put("meta_wrong_seed", as(0, dump(j)));
        j = w.alice.meta.to_json();
        j["type"] = 1;
        put("meta_int_type", as(0, dump(j)));
        j["type"] = "3";
        put("meta_type_3", as(0, dump(j)));
        j = w.bob.meta.to_json();
        j.erase("fingerprint");
        put("meta_no_fingerprint", as(0, dump(j)));
    }
    put("doc_alice_visa", as(1, dump(w.alice.visa->to_json())));
    put("doc_bob_visa", as(1, dump(w.bob.visa->to_json())));
    put("doc_bulletin", as(1, dump(w.bulletin->to_json())));
    {
        auto j = w.alice.visa->to_json();
        j["did"] = w.bob.id.str();
        put("doc_wrong_did", as(1, dump(j)));
        j = w.alice.visa->to_json();
        j.erase("type");
        put("doc_no_type", as(1, dump(j)));
        j["data"] = "[]";
        put("doc_data_array", as(1, dump(j)));
    }
    put("key_ecc_pub", as(2, dump(w.alice.meta.key().to_json())));
    put("key_rsa_pub", as(2, dump(w.bob.meta.key().to_json())));
    put("key_ecc_priv", as(2, std::string(as_chars(w.alice.key.to_json().view()))));
    put("key_rsa_priv", as(2, std::string(as_chars(w.bob.key.to_json().view()))));
    put("key_aes", as(2, std::string(as_chars(w.alice_to_bob.serialize().view()))));
    put("key_aes_short",
        as(2, "{\"A\": \"AES\", \"D\": \"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\", "
              "\"I\": \"AAECAwQFBgcICQoLDA0ODw==\"}"));
    put("key_plain", as(2, "{\"algorithm\": \"PLAIN\"}"));
    put("key_ecc_hex", as(2, "{\"algorithm\": \"SHA256withECDSA\", \"data\": \"" +
                                 codec::hex::encode(w.alice.meta.key().data()) + "\"}"));
    put("key_bad_alg", as(2, "{\"algorithm\": \"DES\", \"data\": \"AA==\"}"));
    put("empty", "");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    write_seeds_if_asked([](auto&& put) { make_seeds(put); });
    static const world w;
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto j = codec::json::parse(text, {1 << 16, 16});
    if (!j) return 0;
    switch (data[0] % 3) {
    case 0: check_meta(w, *j); break;
    case 1: check_document(w, *j); break;
    default: check_keys(*j); break;
    }
    return 0;
}
