// Test helper: a machine configuration from the fields a test varies,
// leaving out what the platform has not (a native machine has no host page
// size and no nested TLB: the builder rejects them).
import type { MachineConfig } from "../../core/machine/machine_config.ts";

/** `mode` as a platform; host-layer fields kept only where there is a host layer. */
export function configFor(
  mode: "native" | "nested" | "shadow",
  fields: Omit<MachineConfig, "platform">,
): MachineConfig {
  const config: MachineConfig = { platform: mode, ...fields };
  if (mode === "native") {
    delete config.hostPage;
    delete config.nestedTlb;
  }
  if (mode === "shadow") delete config.nestedTlb;
  return config;
}
