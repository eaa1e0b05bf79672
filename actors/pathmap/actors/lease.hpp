#pragma once
/// @file
/// `pathmap::actors::lease<Z>`: a copyable, one-shot envelope that carries a move-only object
/// (a tracked zipper) through CAF messages.
///
/// CAF 0.17 copies message elements (`detail/tuple_vals.hpp` needs a copy constructor), so a
/// move-only zipper cannot be a message element itself. A lease is a handle to a shared slot
/// that holds the zipper; copies of a lease share the slot. `take()` moves the zipper out exactly
/// once: the first call (through any copy, on any thread) gets it, every later call gets the
/// error `error_code::lease_taken`. A lease that is never taken (its receiver died, the message
/// was dropped, the program shut down) destroys the zipper when the last handle goes away,
/// which releases the zipper's lock in its zipper head.
///
///     lease<write_zipper_tracked<std::uint64_t>> l{std::move(writer)};
///     self->send(worker, l);                         // the worker does:
///     auto w = l.take();                             //   caf::expected<write_zipper_tracked<...>>
///     if (!w) return w.error();                      //   error_code::lease_taken on a second take
///
/// Serialization: `inspect()` writes only the type name, so a lease counts as serializable and
/// can be registered with `add_message_type`; a lease that crosses a process boundary arrives
/// empty (`take()` answers `error_code::empty_lease`): zippers never leave their process.
///
/// Cost notes: making a lease allocates the slot once (`std::make_shared`); copying it is one
/// atomic increment; `take()` is one atomic exchange plus the zipper's move. Measured over a
/// plain `int`: about 0.1 µs more per request/response round trip (CAF-0.17-NOTES.md).
///
/// **Invalidation:** none; a lease is a value.
///
/// **Thread safety:** copies of one lease may be used and destroyed on different threads at
/// once; `take()` is safe to race (exactly one caller wins). Whatever the zipper's destructor
/// does must be thread-safe, because the last handle may die on any thread: for tracked zippers
/// it is (the lock registry is synchronized). One lease *object* is not for concurrent use
/// (like any object): give each thread its own copy.

#include <atomic>
#include <memory>
#include <optional>
#include <utility>

#include "caf/error.hpp"
#include "caf/expected.hpp"
#include "caf/meta/type_name.hpp"

#include "pathmap/actors/error.hpp"

namespace pathmap::actors {

/// A copyable handle to a one-shot slot holding a `Z` (see the file comment).
template <class Z>
class lease {
public:
  using value_type = Z;

  // -- constructors ---------------------------------------------------------

  /// An empty lease: `take()` answers `error_code::empty_lease`. Exists because CAF needs
  /// message types to be default-constructible.
  lease() = default;

  /// A lease holding `z`.
  explicit lease(Z z) : slot_(std::make_shared<slot>(std::move(z))) {}

  lease(const lease&) = default;
  lease(lease&&) noexcept = default;
  lease& operator=(const lease&) = default;
  lease& operator=(lease&&) noexcept = default;

  // -- taking ---------------------------------------------------------------

  /// Moves the object out. The first `take()` on any copy of this lease succeeds; later ones
  /// answer `error_code::lease_taken`, an empty lease answers `error_code::empty_lease`.
  caf::expected<Z> take() {
    if (!slot_)
      return caf::make_error(error_code::empty_lease, "lease::take on an empty lease");
    if (slot_->taken.exchange(true, std::memory_order_acq_rel))
      return caf::make_error(error_code::lease_taken, "lease::take: the zipper was taken already");
    Z z = std::move(*slot_->value);
    slot_->value.reset();
    return z;
  }

  // -- observers ------------------------------------------------------------

  /// False for an empty lease (default-constructed or deserialized).
  bool valid() const noexcept { return slot_ != nullptr; }

  explicit operator bool() const noexcept { return valid(); }

  /// Whether some copy has taken the object (a snapshot: another thread may take it at any
  /// moment). True for an empty lease.
  bool taken() const noexcept { return !slot_ || slot_->taken.load(std::memory_order_acquire); }

  /// The number of handles sharing the slot (for tests and diagnostics).
  long use_count() const noexcept { return slot_.use_count(); }

  // -- serialization --------------------------------------------------------

  /// Writes the type name only: a lease never carries its zipper across processes.
  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, lease&) {
    return f(caf::meta::type_name("pathmap.lease"));
  }

private:
  // `taken` publishes `value`: the constructor's release store pairs with the acquire in
  // take() and in the destructor, whichever thread they run on.
  struct slot {
    explicit slot(Z z) : value(std::move(z)) { taken.store(false, std::memory_order_release); }
    ~slot() { static_cast<void>(taken.load(std::memory_order_acquire)); }
    slot(const slot&) = delete;
    slot& operator=(const slot&) = delete;
    std::atomic<bool> taken{false};
    std::optional<Z> value;
  };

  std::shared_ptr<slot> slot_;
};

/// A lease holding `z`.
template <class Z>
lease<Z> make_lease(Z z) {
  return lease<Z>(std::move(z));
}

} // namespace pathmap::actors
