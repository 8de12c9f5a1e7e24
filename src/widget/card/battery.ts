// "Off on battery": the Battery Status API, where the browser offers it. Where it does not
// (Firefox, Safari) the card cannot tell, and runs at its low default share of one core.
interface BatteryManager extends EventTarget {
  charging: boolean;
}

type BatteryNavigator = Navigator & { getBattery?: () => Promise<BatteryManager> };

/** Calls `listener(onBattery)` now and whenever the charger is plugged in or out. */
export async function watchPower(listener: (onBattery: boolean) => void): Promise<void> {
  let battery: BatteryManager | undefined;
  try {
    battery = await (navigator as BatteryNavigator).getBattery?.();
  } catch {
    // refused by a permissions policy: treat as unknown
  }
  if (!battery) return listener(false);
  const current = battery;
  current.addEventListener('chargingchange', () => listener(!current.charging));
  listener(!current.charging);
}
