// The discrete-event simulation engine every backend uses: resources with a
// number of parallel slots, tasks with a duration, a dynamic energy and
// dependencies, list-scheduled in event order with deterministic
// tie-breaking (lowest priority value, then earliest ready, then lowest
// task id). It reports the makespan, per-resource busy time and energy
// (dynamic per task, static per resource x makespan), per-group (layer)
// breakdowns and an analytical lower bound. Reports and traces are in
// report.h.
#ifndef IMCC_HWMODELS_SIM_ENGINE_H_
#define IMCC_HWMODELS_SIM_ENGINE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace imcc::hw::sim {

struct Resource {
  std::string name;           // "core3/array12", "noc", "dram0"
  std::string kind;           // "array", "vector", "noc-link", "dram", "gpu", ...
  int capacity = 1;           // tasks running at once
  double static_power_mw = 0; // whole resource; 1 mW x 1 ns = 1 pJ
};

struct GroupStats {
  std::string name;
  double start_ns = 0, end_ns = 0, busy_ns = 0, energy_pj = 0;
  int64_t tasks = 0;
};

struct ResourceStats {
  double busy_ns = 0;
  double dynamic_energy_pj = 0;
  double static_energy_pj = 0;
  double utilisation = 0;
};

struct LowerBound {
  double ns = 0;
  double critical_path_ns = 0;
  std::string binding;  // "critical path" or the bounding resource's name
};

struct StorageStats {
  std::string name;
  int64_t capacity_bytes = 0;
  int64_t peak_bytes = 0;
};

struct Result {
  double makespan_ns = 0;
  double dynamic_energy_pj = 0;
  double static_energy_pj = 0;
  std::vector<double> start_ns;  // per task
  std::vector<double> end_ns;
  std::vector<ResourceStats> resources;
  std::vector<GroupStats> groups;
  std::vector<StorageStats> storages;
  int64_t events = 0;            // task starts + completions processed
  LowerBound lower_bound;
};

// Build once, then Run (const; may run repeatedly). Not thread-safe while
// being built.
class Simulation {
 public:
  int AddResource(Resource resource);
  int AddGroup(std::string name);
  // Returns the task id. `name` is kept for traces only if non-empty.
  int AddTask(int resource, double duration_ns, double energy_pj, int group = -1,
              absl::string_view name = "");
  // `after` starts no earlier than `before` ends.
  void AddDependency(int before, int after);
  // Among tasks ready on one resource, lower priority values start first
  // (default 0 for all: earliest ready first, then lowest id). A batch
  // pipeline gives each task its sample index, so a resource serves the
  // oldest sample first, as an in-order pipeline does.
  void SetPriority(int task, int64_t priority);

  // A buffer with a byte capacity. A task that allocates in it starts only
  // when the bytes are free (it waits, and the tasks queued behind it on the
  // same resource wait too: head-of-line, deterministic); a task that
  // releases gives the bytes back when it ends.
  int AddStorage(std::string name, int64_t capacity_bytes);
  void Allocate(int task, int storage, int64_t bytes);
  void Release(int task, int storage, int64_t bytes);
  void Reserve(int64_t tasks, int64_t dependencies);

  // Simulates. InvalidArgument for a bad resource index, a negative
  // duration or energy, a capacity < 1 or an allocation larger than its
  // storage; FailedPrecondition for a dependency cycle (naming a task on
  // it); ResourceExhausted when every waiting task waits for storage that
  // nothing running will free (naming the storage).
  absl::StatusOr<Result> Run() const;

  // Appends every resource, group, task, dependency and storage of `other`
  // (renumbered); returns the id `other`'s task 0 received.
  int Append(const Simulation& other);
  // Tasks no dependency points to / no dependency leaves.
  std::vector<int> RootTasks() const;
  std::vector<int> SinkTasks() const;

  int num_tasks() const { return static_cast<int>(resource_of_.size()); }
  const std::vector<Resource>& resources() const { return resources_; }
  const std::vector<std::string>& groups() const { return groups_; }
  int resource_of(int task) const { return resource_of_[task]; }
  int group_of(int task) const { return group_of_[task]; }
  double duration_of(int task) const { return duration_[task]; }
  // The task's name, or "<group>/<resource kind>" when it has none.
  std::string TaskName(int task) const;

 private:
  std::vector<Resource> resources_;
  std::vector<std::string> groups_;
  std::vector<int> resource_of_;
  std::vector<int> group_of_;
  std::vector<double> duration_;
  std::vector<int64_t> priority_;
  std::vector<double> energy_;
  std::vector<std::pair<int, std::string>> names_;  // sparse, sorted by task
  std::vector<std::pair<int, int>> edges_;
  struct StorageOp {
    int task;
    int storage;
    int64_t bytes;
  };
  std::vector<std::pair<std::string, int64_t>> storages_;
  std::vector<StorageOp> allocations_;
  std::vector<StorageOp> releases_;
};

}  // namespace imcc::hw::sim

#endif  // IMCC_HWMODELS_SIM_ENGINE_H_
