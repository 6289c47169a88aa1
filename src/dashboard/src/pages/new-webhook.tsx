// "Add Endpoint": the signing secret is shown once after creation, then on the endpoint's page on demand.
import { useApp } from '../hooks/app-context.js';
import { href } from '../lib/routes.js';
import { EndpointForm } from '../components/endpoint-form.js';

export function NewWebhookPage() {
  const { api } = useApp();
  return (
    <>
      <h1>Add endpoint</h1>
      <EndpointForm
        submitLabel="Add endpoint"
        onSubmit={async (input) => {
          const ep = await api.createEndpoint(input);
          location.hash = href.endpoint(ep.id);
        }}
        onCancel={() => (location.hash = href.webhooks())}
      />
    </>
  );
}
