// any_store: a store chosen at run time (from a configuration file, a
// command-line flag). It owns any model of `store` behind one virtual
// interface; the templates of the core never see it, they see a store.
// Move-only; calling a moved-from any_store returns
// `storage_error::unavailable`.
#ifndef E2EKIT_STORAGE_ANY_STORE_HPP
#define E2EKIT_STORAGE_ANY_STORE_HPP

#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/storage/batch.hpp>
#include <e2ekit/storage/concept.hpp>
#include <e2ekit/storage/error.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace e2ekit::storage {

class any_store {
public:
    using store_concept = store_tag;

    any_store() = default;

    /// Takes `s` over (moved in).
    template <class S>
    requires(!std::is_same_v<std::remove_cvref_t<S>, any_store> &&
             store<std::remove_cvref_t<S>>) explicit any_store(S&& s)
        : impl_(std::make_unique<model<std::remove_cvref_t<S>>>(std::forward<S>(s))) {}

    /// Builds the store in place, for stores that cannot move.
    template <store S, class... A>
    explicit any_store(std::in_place_type_t<S>, A&&... a)
        : impl_(std::make_unique<model<S>>(std::forward<A>(a)...)) {}

    any_store(any_store&&) noexcept = default;
    any_store& operator=(any_store&&) noexcept = default;

    result<secret_bytes> get(std::string_view ns, std::string_view key) const {
        if (!impl_) return storage_error::unavailable;
        return impl_->get(ns, key);
    }
    result<bool> contains(std::string_view ns, std::string_view key) const {
        if (!impl_) return storage_error::unavailable;
        return impl_->contains(ns, key);
    }
    result<std::vector<std::string>> list(std::string_view ns, std::string_view prefix) const {
        if (!impl_) return storage_error::unavailable;
        return impl_->list(ns, prefix);
    }
    result<void> commit(const batch& b) {
        if (!impl_) return storage_error::unavailable;
        return impl_->commit(b);
    }
    result<void> commit(batch&& b) {
        if (!impl_) return storage_error::unavailable;
        return impl_->commit_moved(std::move(b));
    }

    bool has_value() const noexcept { return impl_ != nullptr; }

    /// The store inside, when it is an S (as std::function::target).
    template <class S>
    S* target() noexcept {
        if (!impl_ || impl_->type() != typeid(S)) return nullptr;
        return &static_cast<model<S>*>(impl_.get())->s;
    }
    template <class S>
    const S* target() const noexcept {
        if (!impl_ || impl_->type() != typeid(S)) return nullptr;
        return &static_cast<const model<S>*>(impl_.get())->s;
    }

private:
    struct concept_base {
        virtual ~concept_base() = default;
        virtual result<secret_bytes> get(std::string_view, std::string_view) const = 0;
        virtual result<bool> contains(std::string_view, std::string_view) const = 0;
        virtual result<std::vector<std::string>> list(std::string_view, std::string_view) const = 0;
        virtual result<void> commit(const batch&) = 0;
        virtual result<void> commit_moved(batch&&) = 0;
        virtual const std::type_info& type() const noexcept = 0;
    };

    template <class S>
    struct model final : concept_base {
        template <class... A>
        explicit model(A&&... a) : s(std::forward<A>(a)...) {}
        result<secret_bytes> get(std::string_view ns, std::string_view key) const override {
            return s.get(ns, key);
        }
        result<bool> contains(std::string_view ns, std::string_view key) const override {
            return s.contains(ns, key);
        }
        result<std::vector<std::string>> list(std::string_view ns,
                                              std::string_view prefix) const override {
            return s.list(ns, prefix);
        }
        result<void> commit(const batch& b) override { return s.commit(b); }
        result<void> commit_moved(batch&& b) override { return s.commit(std::move(b)); }
        const std::type_info& type() const noexcept override { return typeid(S); }
        S s;
    };

    std::unique_ptr<concept_base> impl_;
};
static_assert(store<any_store>);

} // namespace e2ekit::storage

#endif
