import NIOCore
import NIOPosix
import StepUpServer
#if canImport(Glibc)
import Glibc
#endif

/// Swift's global executor on the event loops (SwiftNIO's singleton group), deciding per job how it runs.
///
/// SwiftNIO's own take-over (`NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`)
/// runs every job as if the event loop were its serial executor. A task then never looks like it is on the generic
/// executor, so each call into a nonisolated `async` function — dozens per HTTP request through Hummingbird's
/// middleware, the body stream and StepUp's services — hops: the task is queued on the loop again (about 65 hops
/// per decision, measured with uprobes on `swift_task_switch`).
///
/// With at most one request in flight (``RequestsInFlight``), a job runs as the generic executor, as Swift's own
/// global executor runs its jobs: those calls continue in place, and a lone request runs to its next real wait
/// (I/O, a commit) in one go. With more in flight a job goes to the loop as SwiftNIO's take-over sends it, hops
/// included: the hops interleave the loop's requests stage by stage, which under load measured better than
/// running each to completion (README: Storage, "tasks on the event loops").
enum EventLoopGlobalExecutor {
    /// `swift_task_enqueueGlobal_hook`'s type: the job, and the runtime's own enqueue (not used).
    private typealias EnqueueHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Installs the hook; `false` (and Swift's own pool stays) if the runtime has no hook or another is installed.
    /// Call once, from `main`, before the server starts.
    static func install() -> Bool {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "swift_task_enqueueGlobal_hook") else { return false }
        let slot = symbol.assumingMemoryBound(to: UnsafeRawPointer?.self)
        guard slot.pointee == nil else { return false }
        return withUnsafeTemporaryAllocation(of: EnqueueHook.self, capacity: 1) { hook in
            hook.baseAddress!.initialize(to: { job, _ in
                // `any()` is the loop this thread runs, when it runs one of the group's: no thread switch.
                let loop = MultiThreadedEventLoopGroup.singleton.any()
                if RequestsInFlight.server.count <= 1 {
                    loop.execute { runJob(job, genericExecutor) }
                } else {
                    loop.executor.enqueue(ExecutorJob(job))
                }
            })
            hook.baseAddress!.withMemoryRebound(to: UnsafeRawPointer.self, capacity: 1) { slot.pointee = $0.pointee }
            return true
        }
    }
}

/// The runtime's own entry for running a job on an executor (what the standard library's `runSynchronously` calls).
@_silgen_name("swift_job_run")
private func runJob(_ job: UnownedJob, _ executor: UnownedSerialExecutor)

/// The generic executor: no serial executor at all (both words zero), as Swift's global executor runs its jobs.
private let genericExecutor = unsafeBitCast((UInt(0), UInt(0)), to: UnownedSerialExecutor.self)
