// Secret key material. A secret is wiped when destroyed or moved from, is
// never copied implicitly (clone() says so at the call site), compares in
// constant time and prints as a redaction. Protocols give each secret a tag
// (`secret<32, struct root_key_tag>`) so a chain key cannot be passed where
// a root key is expected.
#ifndef E2EKIT_CORE_SECRET_HPP
#define E2EKIT_CORE_SECRET_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>

#include <algorithm>
#include <iosfwd>
#include <limits>
#include <memory>
#include <vector>

namespace e2ekit {

/// A fixed-size secret of N bytes, zero-initialised.
template <std::size_t N, class Tag = void>
class secret {
public:
    using tag_type = Tag;
    static constexpr std::size_t extent = N;

    secret() noexcept = default;
    /// Copies the bytes in; the caller wipes its own copy if it owns one.
    explicit secret(fixed_view<N> src) noexcept { std::copy(src.begin(), src.end(), b_.begin()); }
    secret(const secret&) = delete;
    secret& operator=(const secret&) = delete;
    secret(secret&& o) noexcept : b_(o.b_) { ct::wipe(o.b_); }
    secret& operator=(secret&& o) noexcept {
        if (this != &o) {
            b_ = o.b_;
            ct::wipe(o.b_);
        }
        return *this;
    }
    ~secret() { ct::wipe(b_); }

    /// Copies a secret; slices a view of exactly N bytes from a larger one.
    secret clone() const noexcept { return secret(view()); }

    /// Re-tags the bytes (moves them), for the one place a protocol turns a
    /// derived secret of one kind into another.
    template <class OtherTag>
    secret<N, OtherTag> retag() && noexcept {
        secret<N, OtherTag> out{view()};
        ct::wipe(b_);
        return out;
    }

    static constexpr std::size_t size() noexcept { return N; }
    const byte* data() const noexcept { return b_.data(); }
    byte* data() noexcept { return b_.data(); }
    /// Read access; named so that it is visible where secrets leave the box.
    fixed_view<N> view() const noexcept { return fixed_view<N>(b_); }
    mutable_fixed_view<N> mutable_view() noexcept { return mutable_fixed_view<N>(b_); }

    friend bool operator==(const secret& a, const secret& b) noexcept {
        return ct::equal(a.view(), b.view());
    }

    template <class Ch, class Tr>
    friend std::basic_ostream<Ch, Tr>& operator<<(std::basic_ostream<Ch, Tr>& os, const secret&) {
        return os << "[secret: " << N << " bytes redacted]";
    }

private:
    std::array<byte, N> b_{};
};

namespace detail {

/// Wipes memory before handing it back, so a reallocating vector of secret
/// bytes leaves nothing behind.
template <class T>
struct wiping_allocator {
    using value_type = T;
    wiping_allocator() noexcept = default;
    template <class U>
    wiping_allocator(const wiping_allocator<U>&) noexcept {}
    T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
    void deallocate(T* p, std::size_t n) noexcept {
        ct::wipe(p, n * sizeof(T));
        std::allocator<T>{}.deallocate(p, n);
    }
    template <class U>
    bool operator==(const wiping_allocator<U>&) const noexcept {
        return true;
    }
};

} // namespace detail

/// A secret of run-time length (passphrases, plaintexts, variable keys).
class secret_bytes {
public:
    secret_bytes() = default;
    explicit secret_bytes(std::size_t n) : b_(n) {}
    explicit secret_bytes(bytes_view src) : b_(src.begin(), src.end()) {}
    secret_bytes(const secret_bytes&) = delete;
    secret_bytes& operator=(const secret_bytes&) = delete;
    secret_bytes(secret_bytes&& o) noexcept = default;
    secret_bytes& operator=(secret_bytes&& o) noexcept {
        if (this != &o) {
            ct::wipe(b_.data(), b_.size());
            b_ = std::move(o.b_);
        }
        return *this;
    }
    ~secret_bytes() { ct::wipe(b_.data(), b_.size()); }

    secret_bytes clone() const { return secret_bytes(view()); }

    std::size_t size() const noexcept { return b_.size(); }
    bool empty() const noexcept { return b_.empty(); }
    const byte* data() const noexcept { return b_.data(); }
    byte* data() noexcept { return b_.data(); }
    bytes_view view() const noexcept { return {b_.data(), b_.size()}; }
    mutable_bytes_view mutable_view() noexcept { return {b_.data(), b_.size()}; }
    void resize(std::size_t n) { b_.resize(n); }
    void append(bytes_view more) { b_.insert(b_.end(), more.begin(), more.end()); }

    friend bool operator==(const secret_bytes& a, const secret_bytes& b) noexcept {
        return ct::equal(a.view(), b.view());
    }

    template <class Ch, class Tr>
    friend std::basic_ostream<Ch, Tr>& operator<<(std::basic_ostream<Ch, Tr>& os,
                                                  const secret_bytes& s) {
        return os << "[secret: " << s.size() << " bytes redacted]";
    }

private:
    std::vector<byte, detail::wiping_allocator<byte>> b_;
};

} // namespace e2ekit

#endif
