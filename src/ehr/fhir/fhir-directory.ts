// Who sees patients where, from a FHIR server: PractitionerRoles searched by specialty code (or text), their Practitioner and Location read by reference and cached.
import type { HumanName, Location, Practitioner, PractitionerRole, Reference } from '@medplum/fhirtypes';
import { FrontdeskError, isFrontdeskError } from '../../errors.ts';
import type { Provider, ProviderId, ProviderQuery, Specialty } from '../types.ts';
import type { FhirClient } from './fhir-client.ts';
import { specialtyOfConcepts, specialtySearchValue, type SpecialtyCodes } from './specialty-codes.ts';

/** How long a practitioner's name, a location's name and a provider's role are trusted before being read again, ms. */
export const directoryCacheMs = 10 * 60_000;

export interface FhirDirectory {
  searchProviders(query: ProviderQuery): Promise<Provider[]>;
  /** A provider by practitioner id (name, specialty, location), from the cache or its PractitionerRole. */
  provider(providerId: ProviderId): Promise<Provider>;
  /** Display name of a Practitioner reference, or the location name of a Location reference. */
  nameOf(reference: string): Promise<string | undefined>;
  /** Searches the server refused (e.g. "PractitionerRole?specialty:text"): the directory went on without them. */
  readonly refusedSearches: ReadonlySet<string>;
}

export function idOfReference(reference: Reference | undefined, resourceType: string): string | undefined {
  const match = /(?:^|\/)([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/.*)?$/.exec(reference?.reference ?? '');
  return match && match[1] === resourceType ? match[2] : undefined;
}

/** "Dr. Amara Okafor": the name's text, else prefix, given names and family name. */
export function displayNameOf(names: readonly HumanName[] | undefined): string | undefined {
  const name = names?.find((candidate) => candidate.use === 'official') ?? names?.[0];
  if (!name) return undefined;
  if (name.text?.trim()) return name.text.trim();
  const parts = [...(name.prefix ?? []), ...(name.given ?? []), name.family ?? ''].map((part) => part.trim()).filter(Boolean);
  return parts.length ? parts.join(' ') : undefined;
}

export function createFhirDirectory(options: { client: FhirClient; specialtyCodes: SpecialtyCodes; now?: () => number }): FhirDirectory {
  const { client, specialtyCodes } = options;
  const now = options.now ?? Date.now;
  const names = new Map<string, { value: Promise<string | undefined>; until: number }>();
  const providers = new Map<string, { value: Provider; until: number }>();
  const refusedSearches = new Set<string>();

  function nameOf(reference: string): Promise<string | undefined> {
    const cached = names.get(reference);
    if (cached && cached.until > now()) return cached.value;
    const practitionerId = idOfReference({ reference }, 'Practitioner');
    const locationId = idOfReference({ reference }, 'Location');
    const value = practitionerId
      ? client.read<Practitioner>('Practitioner', practitionerId).then(({ resource }) => displayNameOf(resource.name))
      : locationId
        ? client.read<Location>('Location', locationId).then(({ resource }) => resource.name)
        : Promise.resolve(undefined);
    // A failed read is not remembered: the next call asks again.
    names.set(reference, { value: value.catch((error: unknown) => { names.delete(reference); throw error; }), until: now() + directoryCacheMs });
    return names.get(reference)!.value;
  }

  /** The role as a Provider, when it is active, names a practitioner and one of our specialties. */
  async function providerOf(role: PractitionerRole, wanted?: Specialty): Promise<Provider | undefined> {
    if (role.active === false) return undefined;
    const specialty = specialtyOfConcepts(role.specialty, specialtyCodes);
    const practitionerId = idOfReference(role.practitioner, 'Practitioner');
    if (!specialty || !practitionerId || (wanted && specialty !== wanted)) return undefined;
    const [name, location] = await Promise.all([
      nameOf(`Practitioner/${practitionerId}`),
      role.location?.[0]?.reference ? nameOf(role.location[0].reference) : Promise.resolve(undefined),
    ]);
    if (!name) return undefined;
    const provider: Provider = { providerId: practitionerId as ProviderId, name, specialty, location: location ?? '' };
    providers.set(practitionerId, { value: provider, until: now() + directoryCacheMs });
    return provider;
  }

  async function optionalSearch(label: string, search: () => Promise<Array<PractitionerRole & { id: string }>>) {
    try {
      return await search();
    } catch (error) {
      // A 4xx here means the server does not support the search (a modifier, a parameter), not that it is down.
      if (isFrontdeskError(error) && !error.retryable) {
        refusedSearches.add(label);
        return [];
      }
      throw error;
    }
  }

  return {
    refusedSearches,
    nameOf,

    async searchProviders(query) {
      const [coded, byText] = await Promise.all([
        client.search<PractitionerRole>('PractitionerRole', [['specialty', specialtySearchValue(query.specialty, specialtyCodes)], ['_count', '100']]),
        // Roles entered by hand often carry the specialty as text only, which no code search finds.
        optionalSearch('PractitionerRole?specialty:text', () =>
          client.search<PractitionerRole>('PractitionerRole', [['specialty:text', query.specialty], ['_count', '100']]),
        ),
      ]);
      const roles = new Map([...coded, ...byText].map((role) => [role.id, role]));
      const found = (await Promise.all([...roles.values()].map((role) => providerOf(role, query.specialty)))).filter(
        (provider): provider is Provider => provider !== undefined,
      );
      const location = query.location?.trim().toLowerCase();
      const unique = new Map(found.filter((provider) => !location || provider.location.toLowerCase() === location).map((provider) => [provider.providerId, provider]));
      return [...unique.values()].sort((a, b) => a.location.localeCompare(b.location) || a.name.localeCompare(b.name));
    },

    async provider(providerId) {
      const cached = providers.get(providerId);
      if (cached && cached.until > now()) return cached.value;
      const roles = await client.search<PractitionerRole>('PractitionerRole', [['practitioner', `Practitioner/${providerId}`]]);
      for (const role of roles) {
        const provider = await providerOf(role);
        if (provider) return provider;
      }
      throw new FrontdeskError('EHR_NOT_FOUND', 'no practitioner role of ours for that provider');
    },
  };
}
