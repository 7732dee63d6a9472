/** The Staff & roles screen's messages in Chinese (`staff.*` in the catalogue), and the error codes it shows. */
export const staffZhCN = {
  title: '员工与角色',
};

/** Error codes (problem+json `code`) this screen's actions may meet: `errors.<code>`. */
export const staffErrorsZhCN = {};
