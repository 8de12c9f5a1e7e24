// Strings of the volunteer page.
export const volunteer = {
  'volunteer.title': 'Spare Cycles: lend your idle CPU to science',
};
