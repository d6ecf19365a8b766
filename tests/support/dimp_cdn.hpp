// An in-memory CDN for DIMP file contents: exactly the `cdn` concept, for
// tests (URLs are "mem://<n>/<filename>").
#ifndef E2EKIT_TESTS_SUPPORT_DIMP_CDN_HPP
#define E2EKIT_TESTS_SUPPORT_DIMP_CDN_HPP

#include <e2ekit/core/error.hpp>
#include <e2ekit/protocols/dimp/cdn.hpp>
#include <e2ekit/protocols/dimp/error.hpp>

#include <map>
#include <string>
#include <string_view>

namespace e2ekit::test {

struct memory_cdn {
    using cdn_concept = protocols::dimp::cdn_tag;

    result<std::string> upload(bytes_view data, std::string_view name) {
        std::string url = "mem://" + std::to_string(files.size()) + "/" + std::string(name);
        files[url] = to_bytes(data);
        return url;
    }
    result<bytes> download(std::string_view url) {
        const auto it = files.find(std::string(url));
        if (it == files.end()) return protocols::dimp::dimp_error::no_key;
        return it->second;
    }

    std::map<std::string, bytes> files;
};
static_assert(protocols::dimp::cdn<memory_cdn>);

} // namespace e2ekit::test

#endif
