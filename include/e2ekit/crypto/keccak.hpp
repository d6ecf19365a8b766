// Keccak-256 as Ethereum uses it: the Keccak submission's sponge with the
// original pad10*1 padding (first padding byte 0x01), not FIPS 202's
// SHA3-256 (0x06). OpenSSL 3.0 offers only the latter, so the permutation
// is here, written from FIPS 202 §3 (the permutation did not change in
// standardisation). Used for Ethereum addresses in DIMP metas (type "4");
// it hashes public keys only, so it makes no effort to be constant-time
// beyond being branch-free on the data anyway.
#ifndef E2EKIT_CRYPTO_KECCAK_HPP
#define E2EKIT_CRYPTO_KECCAK_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/crypto/concepts/hash.hpp>
#include <e2ekit/crypto/detail/keccak_f1600.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace e2ekit::crypto {

/// Keccak[c = 2d] with d-bit output and the pre-FIPS padding.
template <std::size_t DigestBits>
struct basic_keccak {
    using hash_concept = hash_tag;
    static constexpr std::size_t digest_size = DigestBits / 8;
    /// The sponge rate: 1600 bits minus a capacity of twice the output.
    static constexpr std::size_t block_size = 200 - 2 * digest_size;
    using digest = byte_array<digest_size>;

    class state {
    public:
        state() noexcept = default;

        void update(bytes_view in) noexcept {
            std::size_t i = 0;
            // Finish a partly filled block byte by byte, then absorb whole
            // blocks a lane (8 bytes, little-endian, FIPS 202 §B.1) at a time.
            while (pos_ != 0 && i < in.size())
                absorb_byte(in[i++]);
            for (; in.size() - i >= block_size; i += block_size) {
                for (std::size_t l = 0; l < block_size / 8; ++l) {
                    std::uint64_t v = 0;
                    for (std::size_t k = 0; k < 8; ++k)
                        v |= static_cast<std::uint64_t>(in[i + 8 * l + k]) << (8 * k);
                    lanes_[l] ^= v;
                }
                detail::keccak::permute(lanes_);
            }
            while (i < in.size())
                absorb_byte(in[i++]);
        }

        void final(mutable_fixed_view<digest_size> out) noexcept {
            // Keccak's multi-rate padding pad10*1 (the Keccak reference,
            // §5.1): a 1 bit after the message, a 1 bit at the end of the
            // block; with the original submission's byte order that is 0x01
            // here and 0x80 in the last byte of the block.
            xor_byte(pos_, 0x01);
            xor_byte(block_size - 1, 0x80);
            detail::keccak::permute(lanes_);
            for (std::size_t i = 0; i < digest_size; ++i)
                out[i] = static_cast<byte>(lanes_[i / 8] >> (8 * (i % 8)));
            reset();
        }

        void reset() noexcept {
            lanes_.fill(0);
            pos_ = 0;
        }

        friend bool operator==(const state&, const state&) = default;

    private:
        void absorb_byte(byte b) noexcept {
            xor_byte(pos_, b);
            if (++pos_ == block_size) {
                detail::keccak::permute(lanes_);
                pos_ = 0;
            }
        }
        void xor_byte(std::size_t i, byte b) noexcept {
            lanes_[i / 8] ^= static_cast<std::uint64_t>(b) << (8 * (i % 8)); // lanes little-endian
        }

        detail::keccak::lanes lanes_{};
        std::size_t pos_ = 0;
    };

    template <bytes_like... Parts>
    static void hash(mutable_fixed_view<digest_size> out, const Parts&... parts) noexcept {
        state s;
        (s.update(bytes_view(parts)), ...);
        s.final(out);
    }

    template <bytes_like... Parts>
    static digest digest_of(const Parts&... parts) noexcept {
        digest d;
        hash(d, parts...);
        return d;
    }
};

using keccak256 = basic_keccak<256>;
static_assert(hash_function<keccak256>);
static_assert(keccak256::block_size == 136);

} // namespace e2ekit::crypto

#endif
