#pragma once
/// @file
/// A tiny blocking channel: Rust's `std::sync::mpsc` in miniature, the piece the seed example
/// ("Multi-threading Patterns") moves zippers and completion signals through. Shared by
/// `parallel_copy_threads`, the seed's test (tests/trie/zipper_head.concurrent.test.cpp) and the
/// benchmarks that time the seed (bench/parallel_copy, bench/actor_copy), so that all of them run
/// the same hand-off.

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

namespace pathmap_examples {

/// An unbounded multi-producer channel: `send` never blocks; `recv` blocks until a message
/// arrives, and returns nullopt once the channel is closed and drained.
template <class T>
class channel {
public:
  void send(T x) {
    {
      std::lock_guard<std::mutex> guard(mtx_);
      queue_.push_back(std::move(x));
    }
    cv_.notify_one();
  }

  std::optional<T> recv() {
    std::unique_lock<std::mutex> guard(mtx_);
    cv_.wait(guard, [this] { return !queue_.empty() || closed_; });
    return pop();
  }

  /// A message if one is waiting, else nullopt at once.
  std::optional<T> try_recv() {
    std::lock_guard<std::mutex> guard(mtx_);
    return pop();
  }

  /// Wakes every receiver; `recv` returns nullopt once the queue is empty.
  void close() {
    {
      std::lock_guard<std::mutex> guard(mtx_);
      closed_ = true;
    }
    cv_.notify_all();
  }

private:
  std::optional<T> pop() {
    if (queue_.empty())
      return std::nullopt;
    std::optional<T> x(std::move(queue_.front()));
    queue_.pop_front();
    return x;
  }

  std::mutex mtx_;
  std::condition_variable cv_;
  std::deque<T> queue_;
  bool closed_ = false;
};

} // namespace pathmap_examples
