// Identifier systems and extensions frontdesk reads and writes: on the Appointments it books, the refill requests and care-team messages it records.

/** The six-character code read to the caller; one per Appointment. */
export const confirmationCodeSystem = 'urn:frontdesk:confirmation-code';
/** Call and slot of the booking request, so a retried POST finds the Appointment it already created (If-None-Exist). */
export const bookingRequestSystem = 'urn:frontdesk:booking-request';
/** The code read to the caller for a refill request (a MedicationRequest with intent "proposal"). */
export const refillCodeSystem = 'urn:frontdesk:refill-code';
/** Call and medication of a refill request, so a retried POST finds the request it already created (If-None-Exist). */
export const refillRequestSystem = 'urn:frontdesk:refill-request';
/** Call and medication of a care-team message (a CommunicationRequest), for the same reason. */
export const careTeamRequestSystem = 'urn:frontdesk:care-team-request';
/** On a MedicationRequest: the medication is a controlled substance (never refilled by phone). Boolean. */
export const controlledSubstanceExtension = 'urn:frontdesk:controlled-substance';
/** On a Patient: their preferred pharmacy, a reference to an Organization (the FHIR extension pack's). */
export const preferredPharmacyExtension = 'http://hl7.org/fhir/StructureDefinition/patient-preferredPharmacy';
/** Organization.type of a pharmacy: SNOMED CT 264372000 "Pharmacy". */
export const pharmacyType = { system: 'http://snomed.info/sct', code: '264372000', display: 'Pharmacy' } as const;
