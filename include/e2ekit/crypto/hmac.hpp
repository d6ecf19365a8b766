// HMAC (RFC 2104, FIPS 198-1) over any `hash_function`. The key is
// absorbed once into an inner and an outer hash state (K0 ^ ipad,
// K0 ^ opad, FIPS 198-1 steps 4 and 7); each tag then forks those states,
// so a tag costs the compressions of the message and one more block, and
// a ratchet chain that MACs one key twice (HMAC(ck, 0x01), HMAC(ck, 0x02),
// Signal Double Ratchet §5.2) pays for the key once with `hmac<H>::keyed`.
// With sha256/sha512 a fork is a struct copy (see detail/evp_digest.hpp).
#ifndef E2EKIT_CRYPTO_HMAC_HPP
#define E2EKIT_CRYPTO_HMAC_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/crypto/concepts/hash.hpp>
#include <e2ekit/crypto/concepts/mac.hpp>
#include <e2ekit/crypto/error.hpp>
#include <e2ekit/crypto/sha2.hpp>

#include <algorithm>
#include <cstddef>

namespace e2ekit::crypto {

template <hash_function H>
struct hmac {
    using mac_concept = mac_tag;
    using hash_type = H;
    static constexpr std::size_t tag_size = H::digest_size;
    /// Signal v3, OMEMO 0.3 and Olm send 8-byte truncated tags; nothing
    /// shorter is accepted (RFC 2104 §5 advises at least 80 bits or half
    /// the hash; 64 bits is what those protocols put on the wire).
    static constexpr std::size_t min_tag_size = 8;
    using tag = byte_array<tag_size>;

    /// A key prepared once for many tags. Holds keyed hash states, so it is
    /// wiped when destroyed like any secret.
    class keyed {
    public:
        explicit keyed(bytes_view key) {
            block pad;
            load_key(pad, key, 0x36);
            inner_.update(pad);
            xor_pad(pad, 0x36 ^ 0x5c);
            outer_.update(pad);
            ct::wipe(pad);
        }

        /// out = HMAC(key, parts[0] ‖ parts[1] ‖ ...). `out` may overlap
        /// the parts: it is written after they are read.
        template <bytes_like... Parts>
        void compute(mutable_fixed_view<tag_size> out, const Parts&... parts) const {
            typename H::state s = inner_;
            (s.update(bytes_view(parts)), ...);
            s.final(out); // the inner digest, then the tag over it
            s = outer_;
            s.update(out);
            s.final(out);
        }

        /// The same, returned (a differently named function: an array
        /// argument would otherwise bind as either `out` or a part).
        template <bytes_like... Parts>
        tag tag_of(const Parts&... parts) const {
            tag t;
            compute(t, parts...);
            return t;
        }

        /// Whether `t` is the tag of the parts, or its first t.size() bytes
        /// (at least min_tag_size), compared in constant time.
        template <bytes_like... Parts>
        result<void> verify(bytes_view t, const Parts&... parts) const {
            tag full;
            compute(full, parts...);
            return check_tag(full, t);
        }

    private:
        typename H::state inner_;
        typename H::state outer_;
    };

    /// out = HMAC(key, parts...). `out` may overlap the key or the parts.
    template <bytes_like... Parts>
    static void compute(mutable_fixed_view<tag_size> out, bytes_view key, const Parts&... parts) {
        // One state for both passes: no keyed states to fork when the key
        // serves a single tag.
        block pad;
        load_key(pad, key, 0x36);
        typename H::state s;
        s.update(pad);
        (s.update(bytes_view(parts)), ...);
        s.final(out);
        xor_pad(pad, 0x36 ^ 0x5c);
        s.update(pad);
        s.update(out);
        s.final(out);
        ct::wipe(pad);
    }

    template <bytes_like... Parts>
    static tag tag_of(bytes_view key, const Parts&... parts) {
        tag t;
        compute(t, key, parts...);
        return t;
    }

    template <bytes_like... Parts>
    static result<void> verify(bytes_view key, bytes_view t, const Parts&... parts) {
        tag full;
        compute(full, key, parts...);
        return check_tag(full, t);
    }

private:
    using block = byte_array<H::block_size>;

    /// K0 ^ pad: the key, or its hash when longer than a block, zero-padded
    /// to the block size (FIPS 198-1 steps 1-3). An empty key and HashLen
    /// zero bytes therefore give the same K0, which is what HKDF's "salt
    /// not provided" needs (RFC 5869 §2.2).
    static void load_key(block& b, bytes_view key, byte pad) {
        b.fill(0);
        if (key.size() > H::block_size)
            H::hash(mutable_fixed_view<H::digest_size>(b.data(), H::digest_size), key);
        else
            std::copy(key.begin(), key.end(), b.begin());
        xor_pad(b, pad);
    }
    static void xor_pad(block& b, byte pad) noexcept {
        for (auto& x : b)
            x ^= pad;
    }
    /// `t` is the full tag or a prefix of at least min_tag_size bytes;
    /// constant time in the tag's bytes. Wipes the computed tag.
    static result<void> check_tag(tag& full, bytes_view t) noexcept {
        const bool ok = t.size() >= min_tag_size && t.size() <= tag_size &&
                        ct::equal(bytes_view(full).first(t.size()), t);
        ct::wipe(full);
        ct::unpoison(ok); // the verdict is public (ctgrind, see core/ct.hpp)
        if (!ok) return crypto_error::authentication_failed;
        return {};
    }
};

using hmac_sha256 = hmac<sha256>;
using hmac_sha512 = hmac<sha512>;

static_assert(mac_function<hmac_sha256>);
static_assert(mac_function<hmac_sha512>);
static_assert(mac_function<hmac<sha256_evp>>);

} // namespace e2ekit::crypto

#endif
