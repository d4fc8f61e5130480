// Medications and refills over FHIR R4: active MedicationRequests (intent order) read, the preferred pharmacy from the Patient's extension, pharmacies as Organizations, a refill as a MedicationRequest proposal and a care-team message as a CommunicationRequest.
import type { CommunicationRequest, MedicationRequest, Organization, Patient } from '@medplum/fhirtypes';
import type { Clock } from '../../clock.ts';
import { FrontdeskError } from '../../errors.ts';
import { newConfirmationCode } from '../confirmation-code.ts';
import type { CareTeamMessage, ConfirmationCode, Medication, MedicationId, MedicationList, PatientId, Pharmacy, PharmacyId, RefillRequest } from '../types.ts';
import { hasStatus, type FhirClient } from './fhir-client.ts';
import { idOfReference } from './fhir-directory.ts';
import { careTeamRequestSystem, controlledSubstanceExtension, pharmacyType, preferredPharmacyExtension, refillCodeSystem, refillRequestSystem } from './fhir-identifiers.ts';

export interface FhirMedications {
  list(patientId: PatientId): Promise<MedicationList>;
  /** `requestKey` names the call and medication, so a retried request finds the proposal it already created. */
  requestRefill(patientId: PatientId, medicationId: MedicationId, pharmacyId: PharmacyId, requestKey: string): Promise<RefillRequest>;
  /** `requestKey` as for a refill: a retried message is not left twice. */
  messageCareTeam(patientId: PatientId, medicationId: MedicationId, topic: CareTeamMessage['topic'], requestKey: string): Promise<CareTeamMessage>;
}

function toMedication(request: MedicationRequest & { id: string }): Medication {
  const concept = request.medicationCodeableConcept;
  const dose = request.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity;
  const purpose = request.reasonCode?.[0]?.text;
  return {
    medicationId: request.id as MedicationId,
    name: concept?.coding?.[0]?.display ?? concept?.text ?? 'your medication',
    strength: dose?.value !== undefined ? `${dose.value} ${dose.unit ?? ''}`.trim() : '',
    ...(purpose ? { purpose } : {}),
    controlled: request.extension?.some((extension) => extension.url === controlledSubstanceExtension && extension.valueBoolean === true) === true,
  };
}

function toPharmacy(organization: Organization & { id: string }): Pharmacy {
  return { pharmacyId: organization.id as PharmacyId, name: organization.name ?? organization.id };
}

const isPharmacy = (organization: Organization) =>
  organization.active !== false && (organization.type ?? []).some((type) => type.coding?.some((coding) => coding.system === pharmacyType.system && coding.code === pharmacyType.code));

export function createFhirMedications(options: { client: FhirClient; clock: Clock }): FhirMedications {
  const { client, clock } = options;

  /** The patient's own active order for this medication, or EHR_NOT_FOUND (someone else's reads like a missing one). */
  async function activeOrder(patientId: PatientId, medicationId: MedicationId): Promise<MedicationRequest & { id: string }> {
    try {
      const { resource } = await client.read<MedicationRequest>('MedicationRequest', medicationId);
      if (resource.status === 'active' && resource.intent === 'order' && idOfReference(resource.subject, 'Patient') === patientId) return resource;
    } catch (error) {
      if (!hasStatus(error, 404, 410)) throw error;
    }
    throw new FrontdeskError('EHR_NOT_FOUND', 'no such active medication');
  }

  async function pharmacies(): Promise<Array<Pharmacy>> {
    const organizations = await client.search<Organization>('Organization', [['type', `${pharmacyType.system}|${pharmacyType.code}`], ['_count', '200']]);
    // The server's type filter is checked again here.
    return organizations.filter(isPharmacy).map(toPharmacy).sort((a, b) => a.name.localeCompare(b.name));
  }

  async function uniqueCode(): Promise<ConfirmationCode> {
    let code = newConfirmationCode();
    for (let attempt = 0; attempt < 5; attempt += 1, code = newConfirmationCode()) {
      const found = await client.search<MedicationRequest>('MedicationRequest', [['identifier', `${refillCodeSystem}|${code}`], ['_count', '1']]);
      if (!found.some((request) => request.identifier?.some((identifier) => identifier.system === refillCodeSystem && identifier.value === code))) return code;
    }
    return code;
  }

  return {
    async list(patientId) {
      const [patient, orders, known] = await Promise.all([
        client.read<Patient>('Patient', patientId).then(({ resource }) => resource),
        client.search<MedicationRequest>('MedicationRequest', [['subject', `Patient/${patientId}`], ['status', 'active'], ['intent', 'order'], ['_count', '100']]),
        pharmacies(),
      ]);
      const medications = orders
        .filter((order) => order.status === 'active' && order.intent === 'order' && idOfReference(order.subject, 'Patient') === patientId)
        .map(toMedication)
        .sort((a, b) => a.name.localeCompare(b.name));
      const preferredId = idOfReference(patient.extension?.find((extension) => extension.url === preferredPharmacyExtension)?.valueReference, 'Organization');
      const pharmacyOnFile = known.find((pharmacy) => pharmacy.pharmacyId === preferredId);
      return { medications, ...(pharmacyOnFile ? { pharmacyOnFile } : {}), pharmacies: known };
    },

    async requestRefill(patientId, medicationId, pharmacyId, requestKey) {
      const order = await activeOrder(patientId, medicationId);
      if (toMedication(order).controlled) throw new FrontdeskError('EHR_INVALID_REQUEST', 'a controlled substance is not refilled by phone');
      const pharmacy = await client.read<Organization>('Organization', pharmacyId).then(
        ({ resource }) => resource,
        (error: unknown) => {
          if (hasStatus(error, 404, 410)) return undefined;
          throw error;
        },
      );
      if (!pharmacy || !isPharmacy(pharmacy)) throw new FrontdeskError('EHR_NOT_FOUND', 'unknown pharmacy');
      const code = await uniqueCode();
      const proposal: MedicationRequest = {
        resourceType: 'MedicationRequest',
        // A proposal for the care team to sign off: the prescriber turns it into an order, or not.
        status: 'draft',
        intent: 'proposal',
        identifier: [
          { system: refillCodeSystem, value: code },
          { system: refillRequestSystem, value: requestKey },
        ],
        subject: { reference: `Patient/${patientId}` },
        ...(order.medicationCodeableConcept ? { medicationCodeableConcept: order.medicationCodeableConcept } : {}),
        ...(order.medicationReference ? { medicationReference: order.medicationReference } : {}),
        priorPrescription: { reference: `MedicationRequest/${order.id}` },
        dispenseRequest: { performer: { reference: `Organization/${pharmacyId}` } },
        authoredOn: clock.now().toISOString(),
        note: [{ text: 'Refill requested by the patient by phone (frontdesk).' }],
      };
      const created = await client.createOnce<MedicationRequest>(proposal, `identifier=${encodeURIComponent(`${refillRequestSystem}|${requestKey}`)}`);
      const codeOnFile = created.resource.identifier?.find((identifier) => identifier.system === refillCodeSystem)?.value ?? code;
      return { refillRequestId: created.resource.id, confirmationCode: codeOnFile as ConfirmationCode, medicationId, pharmacyId, status: 'requested' };
    },

    async messageCareTeam(patientId, medicationId, topic, requestKey) {
      const order = await activeOrder(patientId, medicationId);
      const message: CommunicationRequest = {
        resourceType: 'CommunicationRequest',
        status: 'active',
        identifier: [{ system: careTeamRequestSystem, value: requestKey }],
        subject: { reference: `Patient/${patientId}` },
        about: [{ reference: `MedicationRequest/${order.id}` }],
        reasonCode: [{ coding: [{ system: 'urn:frontdesk:care-team-topic', code: topic }], text: 'Refill of a controlled substance requested by phone' }],
        payload: [{ contentString: 'The patient asked by phone for a refill of a controlled substance; please contact them.' }],
        authoredOn: clock.now().toISOString(),
      };
      const created = await client.createOnce<CommunicationRequest>(message, `identifier=${encodeURIComponent(`${careTeamRequestSystem}|${requestKey}`)}`);
      return { messageId: created.resource.id, medicationId, topic };
    },
  };
}
