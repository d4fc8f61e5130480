// Identifier systems frontdesk writes on the Appointments it books.

/** The six-character code read to the caller; one per Appointment. */
export const confirmationCodeSystem = 'urn:frontdesk:confirmation-code';
/** Call and slot of the booking request, so a retried POST finds the Appointment it already created (If-None-Exist). */
export const bookingRequestSystem = 'urn:frontdesk:booking-request';
