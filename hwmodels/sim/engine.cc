#include "hwmodels/sim/engine.h"

#include <algorithm>
#include <queue>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace imcc::hw::sim {
namespace {

// (time, task): min-heap order, ties broken by task id.
struct Entry {
  double time;
  int task;
  int64_t priority = 0;  // ready queues: lower first (then earliest ready, then lowest id)
  bool operator>(const Entry& o) const {
    if (priority != o.priority) return priority > o.priority;
    return time != o.time ? time > o.time : task > o.task;
  }
};
using MinHeap = std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>>;

}  // namespace

int Simulation::AddResource(Resource resource) {
  resources_.push_back(std::move(resource));
  return static_cast<int>(resources_.size()) - 1;
}

int Simulation::AddGroup(std::string name) {
  groups_.push_back(std::move(name));
  return static_cast<int>(groups_.size()) - 1;
}

int Simulation::AddTask(int resource, double duration_ns, double energy_pj, int group,
                        absl::string_view name) {
  const int id = num_tasks();
  resource_of_.push_back(resource);
  group_of_.push_back(group);
  duration_.push_back(duration_ns);
  priority_.push_back(0);
  energy_.push_back(energy_pj);
  if (!name.empty()) names_.emplace_back(id, std::string(name));
  return id;
}

void Simulation::AddDependency(int before, int after) { edges_.emplace_back(before, after); }

void Simulation::SetPriority(int task, int64_t priority) { priority_[task] = priority; }

int Simulation::AddStorage(std::string name, int64_t capacity_bytes) {
  storages_.emplace_back(std::move(name), capacity_bytes);
  return static_cast<int>(storages_.size()) - 1;
}

void Simulation::Allocate(int task, int storage, int64_t bytes) {
  allocations_.push_back({task, storage, bytes});
}

void Simulation::Release(int task, int storage, int64_t bytes) {
  releases_.push_back({task, storage, bytes});
}

void Simulation::Reserve(int64_t tasks, int64_t dependencies) {
  resource_of_.reserve(tasks);
  group_of_.reserve(tasks);
  duration_.reserve(tasks);
  priority_.reserve(tasks);
  energy_.reserve(tasks);
  edges_.reserve(dependencies);
}

int Simulation::Append(const Simulation& o) {
  const int task_base = num_tasks();
  const int res_base = static_cast<int>(resources_.size());
  const int group_base = static_cast<int>(groups_.size());
  const int storage_base = static_cast<int>(storages_.size());
  resources_.insert(resources_.end(), o.resources_.begin(), o.resources_.end());
  groups_.insert(groups_.end(), o.groups_.begin(), o.groups_.end());
  storages_.insert(storages_.end(), o.storages_.begin(), o.storages_.end());
  for (int t = 0; t < o.num_tasks(); ++t) {
    resource_of_.push_back(o.resource_of_[t] + res_base);
    group_of_.push_back(o.group_of_[t] >= 0 ? o.group_of_[t] + group_base : -1);
    duration_.push_back(o.duration_[t]);
    priority_.push_back(o.priority_[t]);
    energy_.push_back(o.energy_[t]);
  }
  for (const auto& [t, name] : o.names_) names_.emplace_back(t + task_base, name);
  for (const auto& [a, b] : o.edges_) edges_.emplace_back(a + task_base, b + task_base);
  for (StorageOp op : o.allocations_) allocations_.push_back({op.task + task_base, op.storage + storage_base, op.bytes});
  for (StorageOp op : o.releases_) releases_.push_back({op.task + task_base, op.storage + storage_base, op.bytes});
  return task_base;
}

std::vector<int> Simulation::RootTasks() const {
  std::vector<bool> has_pred(num_tasks(), false);
  for (const auto& [a, b] : edges_) has_pred[b] = true;
  std::vector<int> out;
  for (int t = 0; t < num_tasks(); ++t) {
    if (!has_pred[t]) out.push_back(t);
  }
  return out;
}

std::vector<int> Simulation::SinkTasks() const {
  std::vector<bool> has_succ(num_tasks(), false);
  for (const auto& [a, b] : edges_) has_succ[a] = true;
  std::vector<int> out;
  for (int t = 0; t < num_tasks(); ++t) {
    if (!has_succ[t]) out.push_back(t);
  }
  return out;
}

std::string Simulation::TaskName(int task) const {
  auto it = std::lower_bound(names_.begin(), names_.end(), std::make_pair(task, std::string()));
  if (it != names_.end() && it->first == task) return it->second;
  const std::string group = group_of_[task] >= 0 ? groups_[group_of_[task]] : "task";
  return absl::StrCat(group, "/", resources_[resource_of_[task]].kind);
}

absl::StatusOr<Result> Simulation::Run() const {
  const int n = num_tasks();
  const int nr = static_cast<int>(resources_.size());
  for (int r = 0; r < nr; ++r) {
    if (resources_[r].capacity < 1) {
      return absl::InvalidArgumentError(absl::StrCat("resource '", resources_[r].name,
                                                     "' has capacity ", resources_[r].capacity));
    }
  }
  for (int t = 0; t < n; ++t) {
    if (resource_of_[t] < 0 || resource_of_[t] >= nr) {
      return absl::InvalidArgumentError(absl::StrCat("task ", t, " names resource ", resource_of_[t],
                                                     " of ", nr));
    }
    if (!(duration_[t] >= 0) || !(energy_[t] >= 0)) {
      return absl::InvalidArgumentError(absl::StrCat("task '", TaskName(t),
                                                     "' has a negative duration or energy"));
    }
  }
  const int ns = static_cast<int>(storages_.size());
  // Storage operations per task, in CSR form (no per-task allocation: most
  // simulations have none).
  std::vector<int> alloc_off(n + 1, 0), release_off(n + 1, 0);
  for (const StorageOp& op : allocations_) {
    if (op.task < 0 || op.task >= n || op.storage < 0 || op.storage >= ns || op.bytes < 0) {
      return absl::InvalidArgumentError("allocation names no task or storage");
    }
    if (op.bytes > storages_[op.storage].second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "task '", TaskName(op.task), "' needs ", op.bytes, " bytes of '", storages_[op.storage].first,
          "', which holds ", storages_[op.storage].second));
    }
    ++alloc_off[op.task + 1];
  }
  for (const StorageOp& op : releases_) {
    if (op.task < 0 || op.task >= n || op.storage < 0 || op.storage >= ns || op.bytes < 0) {
      return absl::InvalidArgumentError("release names no task or storage");
    }
    ++release_off[op.task + 1];
  }
  for (int t = 0; t < n; ++t) {
    alloc_off[t + 1] += alloc_off[t];
    release_off[t + 1] += release_off[t];
  }
  std::vector<StorageOp> alloc_ops(allocations_.size()), release_ops(releases_.size());
  {
    std::vector<int> fa(alloc_off.begin(), alloc_off.end() - 1), fr(release_off.begin(), release_off.end() - 1);
    for (const StorageOp& op : allocations_) alloc_ops[fa[op.task]++] = op;
    for (const StorageOp& op : releases_) release_ops[fr[op.task]++] = op;
  }
  std::vector<int64_t> used(ns, 0);
  std::vector<int64_t> peak(ns, 0);
  auto fits = [&](int task) {
    for (int k = alloc_off[task]; k < alloc_off[task + 1]; ++k) {
      const StorageOp& op = alloc_ops[k];
      if (used[op.storage] + op.bytes > storages_[op.storage].second) return false;
    }
    return true;
  };
  // Successors in CSR form, in insertion order per task (deterministic).
  std::vector<int> offset(n + 1, 0), indegree(n, 0);
  for (const auto& [a, b] : edges_) {
    if (a < 0 || a >= n || b < 0 || b >= n) {
      return absl::InvalidArgumentError(absl::StrCat("dependency ", a, " -> ", b, " names no task"));
    }
    ++offset[a + 1];
    ++indegree[b];
  }
  for (int t = 0; t < n; ++t) offset[t + 1] += offset[t];
  std::vector<int> succ(edges_.size());
  {
    std::vector<int> fill(offset.begin(), offset.end() - 1);
    for (const auto& [a, b] : edges_) succ[fill[a]++] = b;
  }

  Result res;
  res.start_ns.assign(n, 0);
  res.end_ns.assign(n, 0);
  res.resources.assign(nr, ResourceStats{});
  std::vector<MinHeap> ready(nr);
  std::vector<int> free_slots(nr);
  for (int r = 0; r < nr; ++r) free_slots[r] = resources_[r].capacity;
  MinHeap running;
  std::vector<int> remaining = indegree;
  // Critical path (earliest finish ignoring contention) for the lower bound.
  std::vector<double> cp(n, 0);

  std::vector<bool> blocked(nr, false);  // head task waits for storage
  auto start_ready = [&](int r, double now) {
    blocked[r] = false;
    while (free_slots[r] > 0 && !ready[r].empty()) {
      const Entry e = ready[r].top();
      if (alloc_off[e.task] != alloc_off[e.task + 1]) {
        if (!fits(e.task)) {
          blocked[r] = true;
          return;
        }
        for (int k = alloc_off[e.task]; k < alloc_off[e.task + 1]; ++k) {
          const StorageOp& op = alloc_ops[k];
          used[op.storage] += op.bytes;
          peak[op.storage] = std::max(peak[op.storage], used[op.storage]);
        }
      }
      ready[r].pop();
      --free_slots[r];
      res.start_ns[e.task] = now;
      res.end_ns[e.task] = now + duration_[e.task];
      running.push(Entry{res.end_ns[e.task], e.task});
      ++res.events;
    }
  };
  for (int t = 0; t < n; ++t) {
    if (remaining[t] == 0) ready[resource_of_[t]].push(Entry{0, t, priority_[t]});
  }
  for (int r = 0; r < nr; ++r) start_ready(r, 0);
  int done = 0;
  std::vector<int> touched;
  while (!running.empty()) {
    const Entry e = running.top();
    running.pop();
    ++res.events;
    ++done;
    const double now = e.time;
    const int r = resource_of_[e.task];
    ++free_slots[r];
    for (int k = release_off[e.task]; k < release_off[e.task + 1]; ++k) {
      used[release_ops[k].storage] = std::max<int64_t>(0, used[release_ops[k].storage] - release_ops[k].bytes);
    }
    const double my_cp = cp[e.task] + duration_[e.task];
    touched.clear();
    touched.push_back(r);
    for (int k = offset[e.task]; k < offset[e.task + 1]; ++k) {
      const int s = succ[k];
      cp[s] = std::max(cp[s], my_cp);
      if (--remaining[s] == 0) {
        ready[resource_of_[s]].push(Entry{now, s, priority_[s]});
        touched.push_back(resource_of_[s]);
      }
    }
    if (release_off[e.task] != release_off[e.task + 1]) {
      for (int br = 0; br < nr; ++br) {
        if (blocked[br]) touched.push_back(br);
      }
    }
    for (int tr : touched) start_ready(tr, now);
  }
  for (int r = 0; r < nr; ++r) {
    if (blocked[r]) {
      const int t = ready[r].top().task;
      for (int k = alloc_off[t]; k < alloc_off[t + 1]; ++k) {
        const StorageOp& op = alloc_ops[k];
        if (used[op.storage] + op.bytes > storages_[op.storage].second) {
          return absl::ResourceExhaustedError(absl::StrCat(
              "task '", TaskName(t), "' waits for ", op.bytes, " bytes of '", storages_[op.storage].first,
              "' (", used[op.storage], " of ", storages_[op.storage].second,
              " bytes held) that no running task will release"));
        }
      }
    }
  }
  if (done != n) {
    for (int t = 0; t < n; ++t) {
      if (remaining[t] > 0) {
        return absl::FailedPreconditionError(
            absl::StrCat("tasks form a dependency cycle (task '", TaskName(t), "' never becomes ready)"));
      }
    }
  }
  // Totals.
  res.groups.assign(groups_.size(), GroupStats{});
  for (size_t g = 0; g < groups_.size(); ++g) {
    res.groups[g].name = groups_[g];
    res.groups[g].start_ns = -1;
  }
  double cp_max = 0;
  for (int t = 0; t < n; ++t) {
    res.makespan_ns = std::max(res.makespan_ns, res.end_ns[t]);
    res.dynamic_energy_pj += energy_[t];
    ResourceStats& rs = res.resources[resource_of_[t]];
    rs.busy_ns += duration_[t];
    rs.dynamic_energy_pj += energy_[t];
    cp_max = std::max(cp_max, cp[t] + duration_[t]);
    if (group_of_[t] >= 0) {
      GroupStats& g = res.groups[group_of_[t]];
      g.start_ns = g.start_ns < 0 ? res.start_ns[t] : std::min(g.start_ns, res.start_ns[t]);
      g.end_ns = std::max(g.end_ns, res.end_ns[t]);
      g.busy_ns += duration_[t];
      g.energy_pj += energy_[t];
      ++g.tasks;
    }
  }
  for (GroupStats& g : res.groups) g.start_ns = std::max(0.0, g.start_ns);
  for (int k = 0; k < ns; ++k) res.storages.push_back({storages_[k].first, storages_[k].second, peak[k]});
  res.lower_bound.critical_path_ns = cp_max;
  res.lower_bound.ns = cp_max;
  res.lower_bound.binding = "critical path";
  for (int r = 0; r < nr; ++r) {
    ResourceStats& rs = res.resources[r];
    rs.static_energy_pj = resources_[r].static_power_mw * res.makespan_ns;
    res.static_energy_pj += rs.static_energy_pj;
    rs.utilisation = res.makespan_ns > 0 ? rs.busy_ns / (resources_[r].capacity * res.makespan_ns) : 0;
    const double load = rs.busy_ns / resources_[r].capacity;
    if (load > res.lower_bound.ns) {
      res.lower_bound.ns = load;
      res.lower_bound.binding = resources_[r].name;
    }
  }
  return res;
}

}  // namespace imcc::hw::sim
