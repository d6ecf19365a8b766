// The Megolm ratchet (Matrix's olm docs/megolm.md, libolm megolm.c): four
// 256-bit parts R0..R3 and a 32-bit counter. Part j changes every
// 2^(8(3-j)) steps. When a step makes the counter's low 8(3-h) bits zero,
// R(h) is re-hashed and R(h+1..3) are derived from it: R(k) = HMAC(R(h), k)
// for k = 3 down to h. Any later counter is reached in at most 4 x 256
// HMACs (`advanced_to`), which lets a receiver join at any index and skip
// ahead cheaply.
//
// Pure over a value state, as double_ratchet.hpp: steps return the next
// state and never change the one given. The parts are secret; the counter
// is not.
//
// | expression                       | type              | semantics                     |
// |----------------------------------|-------------------|-------------------------------|
// | `P::megolm_concept`              | `megolm_tag`      | opts in                       |
// | `P::mac`                         | `mac_function`    | the part hash, 32-byte tags   |
// |                                  |                   | (Megolm: HMAC-SHA-256)        |
// | `P::message_keys::derive_from(r)`| `P::message_keys` | the keys of the message at an |
// |                                  |                   | index, from its 128 bytes     |
// |                                  |                   | (Megolm: HKDF "MEGOLM_KEYS")  |
#ifndef E2EKIT_RATCHET_MEGOLM_HPP
#define E2EKIT_RATCHET_MEGOLM_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/concepts/mac.hpp>

#include <algorithm>
#include <concepts>
#include <cstdint>

namespace e2ekit::ratchet {

struct megolm_tag {};
struct megolm_data_tag;

inline constexpr std::size_t megolm_parts = 4;
inline constexpr std::size_t megolm_part_size = 32;
inline constexpr std::size_t megolm_size = megolm_parts * megolm_part_size;

template <class P>
concept megolm_params = std::same_as<typename P::megolm_concept, megolm_tag> &&
                        crypto::mac_function<typename P::mac> &&
                        (P::mac::tag_size == megolm_part_size) &&
                        requires(fixed_view<megolm_size> r) {
    { P::message_keys::derive_from(r) } -> std::same_as<typename P::message_keys>;
};

template <megolm_params P>
class megolm {
public:
    using data_type = secret<megolm_size, megolm_data_tag>;
    struct state {
        data_type data;
        std::uint32_t counter = 0;
        state clone() const { return {data.clone(), counter}; }
        friend bool operator==(const state&, const state&) = default;
    };

    /// The state one index on (libolm megolm_advance).
    static state next(const state& s) {
        state n = s.clone();
        ++n.counter;
        std::size_t h = 0;
        for (std::uint32_t mask = 0x00FFFFFF; h < megolm_parts && (n.counter & mask); mask >>= 8)
            ++h;
        for (std::size_t k = megolm_parts; k-- > h;)
            rehash(n.data, h, k);
        return n;
    }

    /// The state at `index` (libolm megolm_advance_to); an index behind
    /// the counter wraps around through 2^32, as libolm's does: callers
    /// refuse earlier indexes before asking.
    static state advanced_to(const state& s, std::uint32_t index) {
        state n = s.clone();
        for (std::size_t j = 0; j < megolm_parts; ++j) {
            const unsigned shift = static_cast<unsigned>((megolm_parts - 1 - j) * 8);
            unsigned steps = ((index >> shift) - (n.counter >> shift)) & 0xff;
            if (steps == 0) {
                if (index >= n.counter) continue;
                steps = 0x100; // only R0 can need a whole turn
            }
            // All but the last step touch R(j) alone; the last also derives
            // R(j+1..3) from it.
            for (; steps > 1; --steps)
                rehash(n.data, j, j);
            for (std::size_t k = megolm_parts; k-- > j;)
                rehash(n.data, j, k);
            n.counter = index & (~std::uint32_t{0} << shift);
        }
        return n;
    }

    static typename P::message_keys keys(const state& s) {
        return P::message_keys::derive_from(s.data.view());
    }

private:
    static void rehash(data_type& d, std::size_t from, std::size_t to) {
        const byte seed[1] = {static_cast<byte>(to)};
        typename P::mac::tag t;
        P::mac::compute(t, bytes_view(d.data() + from * megolm_part_size, megolm_part_size),
                        bytes_view(seed, 1));
        std::copy(t.begin(), t.end(), d.mutable_view().data() + to * megolm_part_size);
        ct::wipe(t);
    }
};

} // namespace e2ekit::ratchet

#endif
