// Stored Signal state on attacker bytes: double_ratchet<signal::ratchet_params>
// ::parse (e2ekit's ratchet state, format 1) and signal::parse_record (a
// session record: current and archived states), both on every input.
//
// - A refusal is typed: bad_state / unsupported_state for the ratchet,
//   bad_record / unsupported_record for the record.
// - What parses round-trips: parse(serialize(parse(x))) equals parse(x) and
//   serialize is stable across it; an input equal to its own re-encoding
//   has its top-level fields in field-number order (read with the raw
//   protobuf reader, apart from the decoder).
// - A ratchet state that parses is usable: an encrypt step, and decrypt
//   steps for headers on its receiver chains (counters taken from the input)
//   and on a new ratchet key, either succeed or fail typed, never change
//   the state they are given, and their next states serialize and parse
//   back.
//
// Seeds: E2EKIT_FUZZ_SEEDS_OUT=<dir> replay_signal_state /dev/null writes
// them (states and records of fuzz/signal_decrypt/conversation.hpp, and
// broken ones).
#include <e2ekit/codec/protobuf.hpp>
#include <e2ekit/protocols/signal/record.hpp>
#include <e2ekit/ratchet/double_ratchet.hpp>

#include <fuzz/signal_decrypt/conversation.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace e2ekit;
namespace sig = e2ekit::protocols::signal;
namespace pb = e2ekit::codec::protobuf;
using dr = sig::double_ratchet;
using fuzz_signal::require;
using ratchet::ratchet_error;

namespace {

bytes plain(const secret_bytes& s) {
    return bytes(s.data(), s.data() + s.size());
}

/// Top-level field numbers strictly ascending (serialize writes each field
/// once, in order; repeated fields are consecutive, so equal neighbours are
/// allowed for those).
bool ascending(bytes_view in, std::uint32_t repeated_field) {
    pb::reader r(in);
    pb::field f;
    std::uint32_t last = 0;
    for (;;) {
        auto more = r.next(f);
        if (!more) return false;
        if (!*more) return true;
        if (f.number < last || (f.number == last && f.number != repeated_field)) return false;
        last = f.number;
    }
}

void check_typed(const std::error_code& e) {
    require(e.category() == category_of<ratchet_error>() ||
            e.category() == category_of<envelope::envelope_error>());
}

/// A step's next state is a state: it serializes and parses back equal.
void check_state_form(const dr::state& s) {
    const auto form = dr::serialize(s);
    auto back = dr::parse(form.view());
    require(back.has_value());
    require(*back == s);
    require(plain(dr::serialize(*back)) == plain(form));
}

std::uint32_t read_u32(bytes_view in, std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i)
        v = v << 8 | (at + i < in.size() ? in[at + i] : 0);
    return v;
}

void exercise(const dr::state& s, bytes_view in) {
    const bytes before = plain(dr::serialize(s));
    testing::deterministic_random rng(in.size());
    {
        auto e = dr::encrypt_step(s, rng);
        if (e) {
            check_state_form(e->next);
            require(e->next.sending && e->next.ratchet_key);
            require(e->hdr.counter + 1 == e->next.sending->index);
        } else {
            check_typed(e.error());
        }
    }
    // Headers on each receiver chain: counters around its position and a
    // stored skipped key; on one chain (picked by the input) a counter from
    // the input, so far skips stay one per input (at most max_skip keys).
    const std::size_t far = in.empty() ? 0 : in[0] % (s.receivers.size() + 1);
    for (std::size_t k = 0; k < s.receivers.size(); ++k) {
        const auto& c = s.receivers[k];
        std::vector<std::uint32_t> counters{c.index, c.index + 1};
        if (c.index > 0) counters.push_back(c.index - 1);
        if (!c.skipped.empty()) counters.push_back(c.skipped.front().index);
        if (k == far) counters.push_back(read_u32(in, 1));
        for (const std::uint32_t n : counters) {
            auto d = dr::decrypt_step(s, {c.ratchet_key, n, 0});
            if (d) {
                check_state_form(d->next);
            } else {
                check_typed(d.error());
                require(d.error() != ratchet_error::no_sending_key);
            }
        }
    }
    {
        // A ratchet key the state has not seen (the base point, u = 9).
        dr::public_key fresh{};
        fresh[0] = 9;
        const bool known = std::any_of(s.receivers.begin(), s.receivers.end(),
                                       [&](const auto& c) { return c.ratchet_key == fresh; });
        auto d = dr::decrypt_step(s, {fresh, read_u32(in, 5) % 8, 0});
        if (d) {
            check_state_form(d->next);
            if (!known) require(d->next.receivers.back().ratchet_key == fresh);
        } else {
            check_typed(d.error());
            if (!known)
                require(s.ratchet_key.has_value() == (d.error() != ratchet_error::no_sending_key));
        }
    }
    require(plain(dr::serialize(s)) == before);
}

void check_ratchet_state(bytes_view in) {
    auto s = dr::parse(in);
    if (!s) {
        require(s.error() == ratchet_error::bad_state ||
                s.error() == ratchet_error::unsupported_state);
        return;
    }
    const auto form = dr::serialize(*s);
    auto again = dr::parse(form.view());
    require(again.has_value() && *again == *s);
    require(plain(dr::serialize(*again)) == plain(form));
    // Serialize writes fields 1..8 in order (8, the receiver chains, repeats).
    if (equal_public(form.view(), in)) require(ascending(in, 8));
    exercise(*s, in);
}

void check_record(bytes_view in) {
    auto r = sig::parse_record(in);
    if (!r) {
        require(r.error() == sig::signal_error::bad_record ||
                r.error() == sig::signal_error::unsupported_record);
        return;
    }
    const auto form = sig::serialize(*r);
    auto again = sig::parse_record(form.view());
    require(again.has_value() && *again == *r);
    require(plain(sig::serialize(*again)) == plain(form));
    if (equal_public(form.view(), in)) require(ascending(in, 4));
    require(r->archived.size() <= sig::max_archived_states);
}

// --- seeds -------------------------------------------------------------------

void make_seeds(auto&& put) {
    const auto& c = fuzz_signal::shared_conversation();
    for (std::size_t i = 0; i < c.snapshots.size(); i += 3)
        put("ratchet_" + std::to_string(i), plain(c.snapshots[i]));
    const bytes alice = plain(dr::serialize(c.alice.ratchet));
    const bytes bob = plain(dr::serialize(c.bob.ratchet));
    put("ratchet_alice_final", alice);
    put("ratchet_bob_final", bob);

    // Records: current only, and current with archived states.
    sig::session_record r;
    r.current = c.alice.clone();
    put("record_current", plain(sig::serialize(r)));
    r.archived.push_back(std::make_shared<const sig::session_state>(c.bob.clone()));
    put("record_archived", plain(sig::serialize(r)));
    put("record_empty", plain(sig::serialize(sig::session_record{})));

    // Broken: another label, another format, truncated, a field twice.
    bytes other_label;
    {
        pb::writer w{pb::vector_sink(other_label)};
        w.add_uint32(1, 1).add_string(2, "olm_v1").add_bytes(3, bytes(32, 7));
    }
    put("ratchet_other_label", other_label);
    bytes other_format;
    {
        pb::writer w{pb::vector_sink(other_format)};
        w.add_uint32(1, 2).add_string(2, "signal_v3").add_bytes(3, bytes(32, 7));
    }
    put("ratchet_format_2", other_format);
    bytes no_receivers;
    {
        pb::writer w{pb::vector_sink(no_receivers)};
        w.add_uint32(1, 1).add_string(2, "signal_v3").add_bytes(3, bytes(32, 7));
    }
    put("ratchet_no_receivers", no_receivers);
    put("ratchet_truncated", bytes(alice.begin(), alice.begin() + alice.size() / 2));
    bytes twice = alice;
    twice.insert(twice.end(), alice.begin(), alice.begin() + 40);
    put("ratchet_field_twice", twice);
    put("empty", bytes{});
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz_signal::write_seeds_if_asked([](auto&& put) {
        make_seeds([&](const std::string& name, const bytes& b) { put(name, b); });
    });
    const bytes_view in(data, size);
    check_ratchet_state(in);
    check_record(in);
    return 0;
}
