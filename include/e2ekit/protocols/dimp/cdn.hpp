// Where file contents keep their payload (a CDN): DIMP sends a file as a
// content holding a URL, the payload encrypted apart under its own key and
// uploaded (dimp/protocol/files.py, dimp/format/file.py). The packer does
// not move bytes over the network; a `cdn` policy does, and file.hpp hands
// it the encrypted payload.
//
// `c` is a `C&`, `data` a `bytes_view`, `name` and `url` `std::string_view`s.
//
// | expression              | type                  | semantics                               |
// |-------------------------|-----------------------|-----------------------------------------|
// | `C::cdn_concept`        | `cdn_tag`             | opts in                                 |
// | `c.upload(data, name)`  | `result<std::string>` | stores the (already encrypted) payload, |
// |                         |                       | returns the URL to fetch it from        |
// | `c.download(url)`       | `result<bytes>`       | the payload stored at `url`; an error   |
// |                         |                       | (e.g. not_found) when there is none     |
#ifndef E2EKIT_PROTOCOLS_DIMP_CDN_HPP
#define E2EKIT_PROTOCOLS_DIMP_CDN_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>

#include <concepts>
#include <string>
#include <string_view>

namespace e2ekit::protocols::dimp {

/// The opt-in tag of `cdn`.
struct cdn_tag {};

template <class C>
concept cdn = std::same_as<typename C::cdn_concept, cdn_tag> &&
    requires(C& c, bytes_view data, std::string_view name, std::string_view url) {
    { c.upload(data, name) } -> std::same_as<result<std::string>>;
    { c.download(url) } -> std::same_as<result<bytes>>;
};

} // namespace e2ekit::protocols::dimp

#endif
