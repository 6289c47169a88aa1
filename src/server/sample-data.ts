// Example `data` for a test event when the caller sends only a type (the dashboard's "Send Test
// Event"), shaped like the seed's payloads: the object the event is about, under its own key.
import { isoSeconds, newId } from '../util/ids.js';

export function sampleData(type: string, now = Date.now()): Record<string, unknown> {
  const vehicle = { id: newId('veh', 10), name: 'Traxxas Slash 4x4', model: 'Slash 4x4 VXL', scale: '1:10', status: 'active' };
  const task = { id: newId('mnt', 10), vehicle_id: vehicle.id, type: 'oil_change', scheduled_date: isoSeconds(now + 5 * 86_400_000).slice(0, 10), description: 'Regular oil change', status: 'scheduled' };
  const part = { id: newId('prt', 10), name: 'Shock oil 30wt', sku: 'TRA-5032', quantity: 2, reorder_level: 5 };
  switch (type) {
    case 'vehicle.created':
      return { vehicle };
    case 'vehicle.updated':
      return { vehicle, changes: { status: { from: 'maintenance', to: 'active' } } };
    case 'vehicle.deleted':
      return { vehicle: { id: vehicle.id } };
    case 'maintenance.task.created':
      return { task };
    case 'maintenance.task.completed':
      return { task: { ...task, status: 'completed' }, results: { notes: 'Oil changed, seals checked', duration_minutes: 25 } };
    case 'parts.inventory.low':
      return { part };
    case 'parts.order.created':
      return { order: { id: newId('ord', 10), status: 'placed', items: [{ part_id: part.id, quantity: 10 }], total: 59.9, currency: 'USD' } };
    case 'session.ended':
      return { session: { id: newId('ses', 10), vehicle_id: vehicle.id, duration_minutes: 42, laps: 87, best_lap_seconds: 14.2, ended_at: isoSeconds(now) } };
    default:
      return {};
  }
}
