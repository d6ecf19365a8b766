// A Signal device on attacker bytes: its stored forms, and a device whose
// store holds what the input says (a session record and a pinned identity
// for a peer) receiving what the input says.
//
// Input: mode:u8, then for the parser modes the bytes to parse; for the
// device mode  record_size:u16 | record | pin_size:u16 | pin | message.
//
// - Parsers (local identity, signed and one-time pre-keys, ids, pinned
//   identity records, key names): a refusal is typed; what parses is
//   canonical (it re-encodes to the input).
// - Device: has_session, identity, encrypt, decrypt (both types) and
//   decrypt_all return values or typed errors, and every call that fails
//   leaves the store byte for byte as it was.
//
// Seeds: E2EKIT_FUZZ_SEEDS_OUT=<dir> replay_signal_device /dev/null writes
// them (genuine forms, a live session with a real message, broken ones).
#include <e2ekit/protocols/signal/device.hpp>

#include <e2ekit/agreement/error.hpp>
#include <e2ekit/crypto/error.hpp>
#include <e2ekit/storage/memory_store.hpp>

#include <fuzz/support/seeds.hpp>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

using namespace e2ekit;
namespace sig = e2ekit::protocols::signal;
using storage::memory_store;
using device_t = sig::device<memory_store>;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

enum mode : byte {
    local_identity = 0,
    signed_prekey,
    one_time_prekey,
    id_form,
    pinned,
    key_names,
    device_mode,
    modes
};

const sig::address peer{"bob", 1};

bool typed(const std::error_code& e) {
    const auto& c = e.category();
    return c == category_of<sig::signal_error>() || c == category_of<sig::device_error>() ||
           c == category_of<trust::trust_error>() || c == category_of<envelope::envelope_error>() ||
           c == category_of<ratchet::ratchet_error>() ||
           c == category_of<agreement::agreement_error>() ||
           c == category_of<storage::storage_error>() || c == category_of<crypto::crypto_error>();
}

bytes plain(const secret_bytes& s) {
    return bytes(s.data(), s.data() + s.size());
}

template <class T, class Encode>
void canonical(const result<T>& r, bytes_view in, Encode&& encode) {
    if (!r) {
        require(r.error() == sig::device_error::bad_stored_key ||
                r.error() == trust::trust_error::bad_record);
        return;
    }
    require(encode(*r) == to_bytes(in));
}

std::map<std::string, bytes> snapshot(const memory_store& s) {
    std::map<std::string, bytes> out;
    for (auto ns : {sig::layout::local, sig::layout::signed_prekeys, sig::layout::prekeys,
                    sig::layout::sessions, sig::layout::identities}) {
        auto keys = s.list(ns, "");
        require(keys.has_value());
        for (const auto& k : *keys) {
            auto v = s.get(ns, k);
            require(v.has_value());
            out[std::string(ns) + " " + k] = plain(*v);
        }
    }
    return out;
}

/// The device under test: always the same keys, two one-time pre-keys.
struct fixture {
    memory_store store;
    testing::deterministic_random rng{7};
    device_t device;

    fixture() : device(make(store, rng)) {}
    static device_t make(memory_store& s, testing::deterministic_random& r) {
        sig::device_options o;
        o.one_time_prekeys = 2;
        o.registration_id = 42;
        auto d = device_t::create(s, r, o);
        require(d.has_value());
        return std::move(*d);
    }
};

struct reader {
    bytes_view in;
    bytes_view take_sized() {
        if (in.size() < 2) {
            bytes_view out = in;
            in = {};
            return out;
        }
        const std::size_t n = std::min<std::size_t>(in[0] << 8 | in[1], in.size() - 2);
        bytes_view out = in.subspan(2, n);
        in = in.subspan(2 + n);
        return out;
    }
};

void run_device(bytes_view in) {
    fixture f;
    reader r{in};
    const bytes_view record = r.take_sized();
    const bytes_view pin = r.take_sized();
    const bytes_view message = r.in;
    const std::string key = sig::layout::key_of(peer);
    if (!record.empty())
        require(storage::put_one(f.store, sig::layout::sessions, key, record).has_value());
    if (!pin.empty())
        require(storage::put_one(f.store, sig::layout::identities, key, pin).has_value());
    auto d = device_t::open(f.store);
    require(d.has_value());

    const auto before = snapshot(f.store);
    const auto unchanged_unless = [&](const std::error_code& e) {
        if (!e) return;
        require(typed(e));
        require(snapshot(f.store) == before);
    };
    unchanged_unless(d->has_session(peer).error());
    unchanged_unless(d->identity(peer).error());
    const auto dec_signal = d->decrypt(peer, sig::message_type::signal, message);
    unchanged_unless(dec_signal.error());
    if (dec_signal) return; // the state moved on: the next calls start from another store
    const auto dec_prekey = d->decrypt(peer, sig::message_type::prekey, message);
    unchanged_unless(dec_prekey.error());
    if (dec_prekey) return;
    const std::vector<sig::incoming> backlog{{sig::message_type::signal, message},
                                             {sig::message_type::prekey, message}};
    auto all = d->decrypt_all(peer, backlog);
    unchanged_unless(all.error());
    if (all) {
        for (const auto& one : *all)
            require(one.has_value() || typed(one.error()));
        if ((*all)[0] || (*all)[1]) return;
        require(snapshot(f.store) == before);
    }
    unchanged_unless(d->encrypt(peer, as_bytes("fuzz"), f.rng).error());
}

void write(const char* dir, const std::string& name, const bytes& b) {
    std::ofstream out(std::string(dir) + "/" + name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

bytes with_mode(mode m, bytes_view b) {
    bytes out{m};
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

bytes sized(bytes_view b) {
    bytes out{static_cast<byte>(b.size() >> 8), static_cast<byte>(b.size())};
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

void write_seeds(const char* dir) {
    testing::deterministic_random rng{99};
    const sig::stored::local_identity id{crypto::x25519::generate(rng), 7};
    write(dir, "identity", with_mode(local_identity, plain(sig::stored::encode(id))));
    write(dir, "identity_short", with_mode(local_identity, bytes(68, 1)));
    const auto spk = sig::signed_prekey::generate(id.keys, 3, 1700000000000, rng);
    write(dir, "signed_prekey", with_mode(signed_prekey, plain(sig::stored::encode(spk))));
    const sig::one_time_prekey otk{9, crypto::x25519::generate(rng)};
    write(dir, "one_time_prekey", with_mode(one_time_prekey, plain(sig::stored::encode(otk))));
    write(dir, "id", with_mode(id_form, sig::stored::encode_id(0xFFFFFF)));
    write(dir, "pin", with_mode(pinned, trust::encode({bytes(33, 5), trust::level::trusted})));
    write(dir, "pin_no_level", with_mode(pinned, bytes{1, 0, 5, 5}));
    write(dir, "names", with_mode(key_names, as_bytes("a%2Fb/12")));

    // A live session: the fixture's device and a peer that writes to it.
    fixture f;
    memory_store peer_store;
    auto bob = device_t::create(peer_store, rng);
    require(bob.has_value());
    const sig::address device_at{"alice", 1};
    require(bob->process_bundle(device_at, *f.device.bundle(1, (*f.device.prekey_ids())[0]), rng)
                .has_value());
    auto first = bob->encrypt(device_at, as_bytes("first"), rng);
    require(first.has_value());
    write(dir, "device_prekey_message",
          concat(bytes{device_mode}, sized({}), sized({}), first->body));
    require(f.device.decrypt(peer, *first).has_value());
    auto second = bob->encrypt(device_at, as_bytes("second"), rng);
    auto reply = f.device.encrypt(peer, as_bytes("reply"), rng);
    require(second.has_value() && reply.has_value());
    require(bob->decrypt(device_at, *reply).has_value());
    auto third = bob->encrypt(device_at, as_bytes("third"), rng);
    require(third.has_value());
    const bytes record = plain(*f.store.get(sig::layout::sessions, sig::layout::key_of(peer)));
    const bytes pin = plain(*f.store.get(sig::layout::identities, sig::layout::key_of(peer)));
    write(dir, "device_signal_message",
          concat(bytes{device_mode}, sized(record), sized(pin), third->body));
    write(dir, "device_no_pin", concat(bytes{device_mode}, sized(record), sized({}), third->body));
    write(dir, "device_other_pin",
          concat(bytes{device_mode}, sized(record),
                 sized(trust::encode({bytes(33, 5), trust::level::trusted})), third->body));
    bytes broken = record;
    broken.resize(broken.size() / 2);
    write(dir, "device_cut_record",
          concat(bytes{device_mode}, sized(broken), sized(pin), third->body));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    e2ekit::fuzz::write_seeds_once([](const char* dir) { write_seeds(dir); });
    if (size == 0) return 0;
    const bytes_view in(data + 1, size - 1);
    switch (static_cast<mode>(data[0] % modes)) {
    case local_identity:
        canonical(sig::stored::parse_local_identity(in), in,
                  [](const auto& v) { return plain(sig::stored::encode(v)); });
        break;
    case signed_prekey:
        canonical(sig::stored::parse_signed_prekey(in), in,
                  [](const auto& v) { return plain(sig::stored::encode(v)); });
        break;
    case one_time_prekey:
        canonical(sig::stored::parse_one_time_prekey(in), in,
                  [](const auto& v) { return plain(sig::stored::encode(v)); });
        break;
    case id_form:
        canonical(sig::stored::parse_id(in), in,
                  [](std::uint32_t v) { return sig::stored::encode_id(v); });
        break;
    case pinned:
        canonical(trust::parse_record(in), in, [](const auto& v) { return trust::encode(v); });
        break;
    case key_names: {
        const std::string_view s = as_chars(in);
        if (const auto id = sig::layout::id_of(s)) require(sig::layout::key_of(*id) == s);
        if (const auto dev = sig::layout::device_id_of(s))
            require(s.ends_with("/" + std::to_string(*dev)));
        break;
    }
    default: run_device(in); break;
    }
    return 0;
}
