// Strings of the dashboard page.
export const dashboard = {
  'dashboard.title': 'Project dashboard · Spare Cycles',
};
